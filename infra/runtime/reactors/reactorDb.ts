/**
 * The provider reactor's PostgreSQL statements (migration 0012): the open tasks whose time has come
 * (from the serving generation of provider_tasks, joined with the reactor's own runs and nudges), the
 * bookkeeping after each task, the durable "create sent" mark, and webhook nudges.
 */
import type { ProviderTaskRow } from '../../../schemas/readModels/providerTasks.js';
import type { SqlSession } from '../../adapters/db/sqlClient.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function checkedSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`unexpected read-model schema name ${schema}`);
  return schema;
}

const ISO = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** `pickedAt`: the database's clock when the task was picked; a nudge after it makes the task due again. */
export type DueTask = Readonly<{ task: ProviderTaskRow; attempts: number; dispatchedAt: string | null; pickedAt: string }>;

type DueRow = ProviderTaskRow & { attempts: number | null; dispatched_at: string | null; picked_at: string };

/** Open tasks due now (by their own time or a nudge newer than their last run), oldest first, except `excluded`. */
export async function dueTasks(session: SqlSession, schema: string, limit: number, excluded: readonly string[], now: Date): Promise<DueTask[]> {
  const rows = await session.query<DueRow>(
    `SELECT t.task_id, t.kind, t.payment_intent_id, t.attempt_id, t.refund_id, t.provider, t.store_id, t.terminal_id, t.capture_method, t.currency,
            t.amount::text AS amount, t.provider_payment_id, t.code_id, ${ISO('t.qr_expires_at')} AS qr_expires_at,
            ${ISO('t.intent_expires_at')} AS intent_expires_at, ${ISO('t.opened_at')} AS opened_at, ${ISO('t.due_at')} AS due_at, t.detail,
            r.attempts, ${ISO('r.dispatched_at')} AS dispatched_at, clock_timestamp()::text AS picked_at
       FROM "${checkedSchema(schema)}".provider_tasks t
       LEFT JOIN provider_task_runs r ON r.task_id = t.task_id
       LEFT JOIN provider_task_nudges n ON n.attempt_id = t.attempt_id
      WHERE t.done_at IS NULL AND r.finished_at IS NULL AND NOT (t.task_id = ANY ($2::text[]))
        AND (coalesce(r.next_due_at, t.due_at) <= $3::timestamptz OR n.nudged_at > coalesce(r.updated_at, '-infinity'::timestamptz))
      ORDER BY coalesce(r.next_due_at, t.due_at), t.task_id
      LIMIT $1`,
    [limit, excluded, now.toISOString()],
  );
  return rows.map(({ attempts, dispatched_at, picked_at, ...task }) => ({ task, attempts: attempts ?? 0, dispatchedAt: dispatched_at, pickedAt: picked_at }));
}

export type RunRecord = Readonly<{ taskId: string; pickedAt: string; now: Date; outcome: string; error: string | null; nextDueInMs: number | null; finished: boolean }>;

/** After a task ran: one more attempt, its outcome, when it is due again (or that it is finished). */
export async function recordRun(session: SqlSession, run: RunRecord): Promise<void> {
  await session.query(
    `INSERT INTO provider_task_runs AS r (task_id, attempts, next_due_at, finished_at, last_outcome, last_error, updated_at)
     VALUES ($1, 1, $7::timestamptz + make_interval(secs => $2::double precision / 1000), CASE WHEN $3 THEN $7::timestamptz END, $4, $5, $6::timestamptz)
     ON CONFLICT (task_id) DO UPDATE SET attempts = r.attempts + 1, next_due_at = EXCLUDED.next_due_at, finished_at = EXCLUDED.finished_at,
       last_outcome = EXCLUDED.last_outcome, last_error = EXCLUDED.last_error, updated_at = EXCLUDED.updated_at`,
    [run.taskId, run.nextDueInMs ?? 0, run.finished, run.outcome.slice(0, 500), run.error?.slice(0, 2000) ?? null, run.pickedAt, run.now.toISOString()],
  );
}

/** Durably notes that a create is about to be sent for this task (committed before the call). */
export async function markDispatched(session: SqlSession, taskId: string): Promise<void> {
  await session.query(
    `INSERT INTO provider_task_runs AS r (task_id, dispatched_at) VALUES ($1, now())
     ON CONFLICT (task_id) DO UPDATE SET dispatched_at = coalesce(r.dispatched_at, now())`,
    [taskId],
  );
}

/**
 * A webhook's hint: the attempt's open tasks become due at once, and a recheck the reactor had
 * finished (a failed or canceled attempt) is armed again, so a payment that arrives late is found.
 */
export async function nudgeAttempt(session: SqlSession, attemptId: string): Promise<void> {
  await session.query('UPDATE provider_task_runs SET finished_at = NULL WHERE task_id = $1', [`recheck:${attemptId}`]);
  await session.query(
    `INSERT INTO provider_task_nudges (attempt_id, nudged_at) VALUES ($1, clock_timestamp())
     ON CONFLICT (attempt_id) DO UPDATE SET nudged_at = EXCLUDED.nudged_at`,
    [attemptId],
  );
}

/** Records a webhook delivery; false when the same delivery was seen before (a duplicate). */
export async function recordWebhook(session: SqlSession, delivery: Readonly<{ provider: string; dedupeKey: string; attemptId: string; state: string }>): Promise<boolean> {
  const rows = await session.query(
    `INSERT INTO provider_webhooks (provider, dedupe_key, attempt_id, state) VALUES ($1, $2, $3, $4)
     ON CONFLICT (provider, dedupe_key) DO NOTHING RETURNING dedupe_key`,
    [delivery.provider, delivery.dedupeKey, delivery.attemptId, delivery.state],
  );
  return rows.length === 1;
}

export type TaskCounts = Readonly<{ open: number; due: number; finishedLocally: number; byKind: Readonly<Record<string, number>> }>;

export async function countTasks(session: SqlSession, schema: string, now: Date): Promise<TaskCounts> {
  const rows = await session.query<{ kind: string; open: string; due: string; finished: string }>(
    `SELECT t.kind, count(*) FILTER (WHERE r.finished_at IS NULL)::text AS open,
            count(*) FILTER (WHERE r.finished_at IS NULL AND coalesce(r.next_due_at, t.due_at) <= $1::timestamptz)::text AS due,
            count(*) FILTER (WHERE r.finished_at IS NOT NULL)::text AS finished
       FROM "${checkedSchema(schema)}".provider_tasks t LEFT JOIN provider_task_runs r ON r.task_id = t.task_id
      WHERE t.done_at IS NULL GROUP BY t.kind`,
    [now.toISOString()],
  );
  const byKind = Object.fromEntries(rows.map((row) => [row.kind, Number(row.open)]));
  const sum = (pick: (row: (typeof rows)[number]) => string): number => rows.reduce((total, row) => total + Number(pick(row)), 0);
  return { open: sum((row) => row.open), due: sum((row) => row.due), finishedLocally: sum((row) => row.finished), byKind };
}
