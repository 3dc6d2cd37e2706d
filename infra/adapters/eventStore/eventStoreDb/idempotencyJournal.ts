import { z } from 'zod';
import type { AppendResult, ExpectedRevision, NewEvent } from '../../../../domain/eventStore/index.js';
import { EventIdConflictError, InvalidAppendError, WrongExpectedVersionError } from '../../../../domain/eventStore/index.js';
import type { IdempotencyCompletion, IdempotencyKeyRef, StoredResponse } from '../../../../domain/idempotency/index.js';
import { inTransaction } from '../../db/inTransaction.js';
import type { SqlClient } from '../../db/sqlClient.js';
import type { AppendRequest } from '../postgres/appendBatch.js';
import { knownMetadata } from './envelope.js';

/** Appends exactly these events with this expectation, idempotently for the same ids. */
export type Resend = (stream: string, events: readonly NewEvent[], expected: ExpectedRevision) => Promise<AppendResult>;

export type Resolution =
  | Readonly<{ outcome: 'none' }>
  /** The events are in the stream (now or before): the key completed with the stored response. */
  | Readonly<{ outcome: 'completed'; response: StoredResponse }>
  /** The events are not in the stream and never can be (its head moved on): nothing happened. */
  | Readonly<{ outcome: 'abandoned' }>;

const expectedSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('no_stream') }),
  z.object({ kind: z.literal('stream_exists') }),
  z.object({ kind: z.literal('any') }),
  z.object({ kind: z.literal('exact'), revision: z.number().int().min(0) }),
]);
const metadataSchema = z.object({ correlationId: z.string(), causationId: z.string(), traceparent: z.string(), actor: z.string(), idempotencyKey: z.string() }).partial();
const eventsSchema = z.array(z.object({ id: z.string(), type: z.string(), schemaVersion: z.number().int(), data: z.record(z.string(), z.json()), metadata: metadataSchema }));

type PendingRow = { stream_name: string; expected: unknown; events: unknown; response_status: number; response_body: string };

/** A refusal of the append itself: nothing was written and these events can never be. */
function isDefiniteRefusal(error: unknown): boolean {
  return error instanceof WrongExpectedVersionError || error instanceof EventIdConflictError || error instanceof InvalidAppendError;
}

/**
 * The write-ahead journal of idempotent appends to a store that cannot join a PostgreSQL
 * transaction (`eventstoredb_pending_appends`). Before the append, the events, the expectation
 * and the response are committed here; after it, the key completes and the row goes, in one
 * transaction. A row that outlives its command (a crash, a lost reply, PostgreSQL failing after
 * the append) is resolved by re-sending the same events: the store answers a re-sent append
 * with the original result, or writes it now, or refuses it because the stream moved on (then
 * it can never land). The failure points: docs/event-store.md, "Idempotency without a shared
 * transaction".
 */
export class IdempotencyJournal {
  constructor(private readonly sql: SqlClient) {}

  async appendJournaled(
    request: AppendRequest,
    completion: IdempotencyCompletion,
    append: (request: AppendRequest) => Promise<AppendResult>,
    onCompletionError?: (error: unknown) => void,
  ): Promise<AppendResult> {
    const events = request.events.map(({ id, type, schemaVersion, data, metadata }) => ({ id, type, schemaVersion, data, metadata }));
    await this.sql.query(
      `INSERT INTO eventstoredb_pending_appends (scope, key, stream_name, expected, events, response_status, response_body)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7)
       ON CONFLICT (scope, key) DO UPDATE SET stream_name = excluded.stream_name, expected = excluded.expected, events = excluded.events,
              response_status = excluded.response_status, response_body = excluded.response_body, created_at = now()`,
      [completion.scope, completion.key, request.stream, JSON.stringify(request.expected), JSON.stringify(events), completion.response.status, completion.response.body],
    );
    let result: AppendResult;
    try {
      result = await append(request);
    } catch (error) {
      if (isDefiniteRefusal(error)) await this.forget(completion, request.events[0]?.id ?? '');
      throw error;
    }
    await this.complete(completion, completion.response).catch((error: unknown) => onCompletionError?.(error));
    return result;
  }

  /** Whether the key has a journaled append whose owner's lease ran out (the owner is presumed gone). */
  async hasStalePending(ref: IdempotencyKeyRef): Promise<boolean> {
    const rows = await this.sql.query(
      `SELECT 1 FROM eventstoredb_pending_appends p JOIN idempotency_keys k USING (scope, key)
        WHERE p.scope = $1 AND p.key = $2 AND k.state = 'in_progress' AND k.locked_until < now()`,
      [ref.scope, ref.key],
    );
    return rows.length > 0;
  }

  /** Settles the key's journaled append, if any, by re-sending it (see the class comment). */
  async resolve(ref: IdempotencyKeyRef, resend: Resend): Promise<Resolution> {
    const rows = await this.sql.query<PendingRow>(
      'SELECT stream_name, expected, events, response_status, response_body FROM eventstoredb_pending_appends WHERE scope = $1 AND key = $2',
      [ref.scope, ref.key],
    );
    const row = rows[0];
    if (row === undefined) return { outcome: 'none' };
    const expected = expectedSchema.parse(row.expected);
    const events: NewEvent[] = eventsSchema.parse(row.events).map((event) => ({ ...event, data: event.data, metadata: knownMetadata(event.metadata) }));
    const response = { status: row.response_status, body: row.response_body };
    try {
      await resend(row.stream_name, events, expected);
    } catch (error) {
      if (!isDefiniteRefusal(error)) throw error;
      await this.forget(ref, events[0]?.id ?? '');
      return { outcome: 'abandoned' };
    }
    await this.complete(ref, response);
    return { outcome: 'completed', response };
  }

  /** Completes the key with the response and drops its journal row, in one transaction. */
  private async complete(ref: IdempotencyKeyRef, response: StoredResponse): Promise<void> {
    await this.sql.withSession((session) =>
      inTransaction(session, async (tx) => {
        await tx.query(
          `UPDATE idempotency_keys SET state = 'completed', response_status = $3, response_body = $4, locked_until = NULL
            WHERE scope = $1 AND key = $2 AND state = 'in_progress'`,
          [ref.scope, ref.key, response.status, response.body],
        );
        await tx.query('DELETE FROM eventstoredb_pending_appends WHERE scope = $1 AND key = $2', [ref.scope, ref.key]);
      }),
    );
  }

  /** Drops the row if it is still this append's (a later attempt may have replaced it). */
  private async forget(ref: IdempotencyKeyRef, firstEventId: string): Promise<void> {
    await this.sql.query(`DELETE FROM eventstoredb_pending_appends WHERE scope = $1 AND key = $2 AND events -> 0 ->> 'id' = $3`, [ref.scope, ref.key, firstEventId]);
  }
}
