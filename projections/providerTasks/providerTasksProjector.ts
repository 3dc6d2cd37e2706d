/**
 * Projection `provider_tasks`: the work the ledger owes QR providers (schemas/readModels/providerTasks.ts),
 * derived from the PaymentIntent log alone, so a rebuild gives the same to-do list. The provider
 * reactor (infra/runtime/reactors) performs the open tasks whose time has come and records each answer
 * as a command; the resulting event closes the task here.
 *
 * A batch is applied with set-based statements: the intents' facts are loaded once, evolved in
 * memory, and written back with the tasks it opened and closed.
 */
import type { RecordedEvent } from '../../domain/eventStore/index.js';
import type { PaymentIntentEvent } from '../../domain/paymentIntent/index.js';
import { PROVIDER_TASKS_PROJECTION } from '../../schemas/readModels/providerTasks.js';
import { PAYMENT_LOG_FILTER, paymentIntentEventOf } from '../runtime/paymentLog.js';
import type { Projector, ProjectionSql } from '../runtime/projector.js';
import { taskChangesOf, type ClosedTask, type IntentFacts, type OpenedTask } from './taskChanges.js';

const providerTasksTables: readonly string[] = [
  `CREATE TABLE provider_tasks (
     task_id             text PRIMARY KEY,
     kind                text NOT NULL,
     payment_intent_id   text NOT NULL,
     attempt_id          text NOT NULL,
     refund_id           text,
     provider            text NOT NULL,
     store_id            text NOT NULL,
     terminal_id         text NOT NULL,
     capture_method      text NOT NULL,
     currency            text NOT NULL,
     amount              bigint NOT NULL CHECK (amount >= 0),
     provider_payment_id text,
     code_id             text,
     qr_expires_at       timestamptz,
     intent_expires_at   timestamptz,
     opened_at           timestamptz NOT NULL,
     due_at              timestamptz NOT NULL,
     detail              text,
     done_at             timestamptz,
     outcome             text
   )`,
  'CREATE INDEX provider_tasks_open_due ON provider_tasks (due_at) WHERE done_at IS NULL',
  'CREATE INDEX provider_tasks_attempt ON provider_tasks (attempt_id)',
  `CREATE TABLE provider_task_intents (
     payment_intent_id   text PRIMARY KEY,
     capture_method      text NOT NULL,
     intent_expires_at   text NOT NULL,
     attempt_id          text,
     code_id             text,
     qr_expires_at       text,
     provider_payment_id text
   )`,
];

const LOAD_FACTS = `SELECT payment_intent_id, capture_method, intent_expires_at, attempt_id, code_id, qr_expires_at, provider_payment_id
                      FROM provider_task_intents WHERE payment_intent_id = ANY ($1::text[])`;

const SAVE_FACTS = `
  INSERT INTO provider_task_intents AS t (payment_intent_id, capture_method, intent_expires_at, attempt_id, code_id, qr_expires_at, provider_payment_id)
  SELECT * FROM json_to_recordset($1::json) AS r(payment_intent_id text, capture_method text, intent_expires_at text, attempt_id text,
                                                 code_id text, qr_expires_at text, provider_payment_id text)
  ON CONFLICT (payment_intent_id) DO UPDATE SET attempt_id = EXCLUDED.attempt_id, code_id = EXCLUDED.code_id,
    qr_expires_at = EXCLUDED.qr_expires_at, provider_payment_id = EXCLUDED.provider_payment_id`;

const INSERT_TASKS = `
  INSERT INTO provider_tasks (task_id, kind, payment_intent_id, attempt_id, refund_id, provider, store_id, terminal_id, capture_method, currency, amount,
                              provider_payment_id, code_id, qr_expires_at, intent_expires_at, opened_at, due_at, detail, done_at, outcome)
  SELECT * FROM json_to_recordset($1::json) AS r(task_id text, kind text, payment_intent_id text, attempt_id text, refund_id text, provider text,
         store_id text, terminal_id text, capture_method text, currency text, amount bigint, provider_payment_id text, code_id text,
         qr_expires_at timestamptz, intent_expires_at timestamptz, opened_at timestamptz, due_at timestamptz, detail text, done_at timestamptz, outcome text)
  ON CONFLICT (task_id) DO NOTHING`;

const EXISTING_TASKS = 'SELECT task_id, done_at IS NOT NULL AS done FROM provider_tasks WHERE task_id = ANY ($1::text[])';

const CLOSE_TASKS = `
  UPDATE provider_tasks AS t SET done_at = r.done_at, outcome = r.outcome
    FROM json_to_recordset($1::json) AS r(task_id text, done_at timestamptz, outcome text)
   WHERE t.task_id = r.task_id AND t.done_at IS NULL`;

type Fresh = OpenedTask & { done_at: string | null; outcome: string | null };
type TaskOp = Readonly<{ open: OpenedTask }> | Readonly<{ close: ClosedTask }>;

/**
 * Applies the batch's task changes in event order, as if one event at a time: an open creates a task
 * that does not exist yet, a close ends a task that is open — so where batches split never changes
 * the rows (the rebuild proof compares them row by row).
 */
async function writeTasks(sql: ProjectionSql, ops: readonly TaskOp[]): Promise<void> {
  const ids = [...new Set(ops.map((op) => ('open' in op ? op.open.task_id : op.close.task_id)))];
  const existing = new Map((await sql.query<{ task_id: string; done: boolean }>(EXISTING_TASKS, [ids])).map((row) => [row.task_id, row.done]));
  const fresh = new Map<string, Fresh>();
  const closes: ClosedTask[] = [];
  for (const op of ops) {
    if ('open' in op) {
      if (!existing.has(op.open.task_id) && !fresh.has(op.open.task_id)) fresh.set(op.open.task_id, { ...op.open, done_at: null, outcome: null });
      continue;
    }
    const { task_id: id } = op.close;
    const created = fresh.get(id);
    if (created !== undefined && created.done_at === null) fresh.set(id, { ...created, done_at: op.close.done_at, outcome: op.close.outcome });
    else if (created === undefined && existing.get(id) === false) {
      closes.push(op.close);
      existing.set(id, true);
    }
  }
  if (fresh.size > 0) await sql.query(INSERT_TASKS, [JSON.stringify([...fresh.values()])]);
  if (closes.length > 0) await sql.query(CLOSE_TASKS, [JSON.stringify(closes)]);
}

function factsOfCreate(event: Extract<PaymentIntentEvent, { type: 'PaymentIntentCreated' }>): IntentFacts {
  return {
    payment_intent_id: event.data.paymentIntentId,
    capture_method: event.data.captureMethod,
    intent_expires_at: event.data.expiresAt,
    attempt_id: null,
    code_id: null,
    qr_expires_at: null,
    provider_payment_id: null,
  };
}

async function applyProviderTasks(sql: ProjectionSql, events: readonly RecordedEvent[]): Promise<void> {
  const decoded = events.flatMap((recorded) => {
    const event = paymentIntentEventOf(recorded);
    return event?.data.mode === 'pgw_processed' ? [event] : [];
  });
  if (decoded.length === 0) return;
  const ids = [...new Set(decoded.map((event) => event.data.paymentIntentId))];
  const facts = new Map((await sql.query<IntentFacts>(LOAD_FACTS, [ids])).map((row) => [row.payment_intent_id, row]));
  const touched = new Set<string>();
  const ops: TaskOp[] = [];
  for (const event of decoded) {
    const id = event.data.paymentIntentId;
    if (event.type === 'PaymentIntentCreated') facts.set(id, factsOfCreate(event));
    const intent = facts.get(id);
    if (intent === undefined) throw new Error(`provider_tasks: ${event.type} of ${id} before its PaymentIntentCreated`);
    touched.add(id);
    const changes = taskChangesOf(event, intent);
    for (const open of changes.opened) ops.push({ open });
    for (const close of changes.closed) ops.push({ close });
  }
  await sql.query(SAVE_FACTS, [JSON.stringify([...touched].map((id) => facts.get(id)))]);
  if (ops.length > 0) await writeTasks(sql, ops);
}

export const providerTasksProjector: Projector = Object.freeze({
  name: PROVIDER_TASKS_PROJECTION,
  version: 3,
  tables: providerTasksTables,
  filter: PAYMENT_LOG_FILTER,
  apply: applyProviderTasks,
});
