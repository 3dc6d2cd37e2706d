import type { IdempotencyBegin, IdempotencyKeyRef, IdempotencyStore, StoredResponse } from '../../../domain/idempotency/index.js';
import type { SqlClient } from '../db/sqlClient.js';
import { IdempotencyOwner } from './idempotencyOwner.js';

export type PostgresIdempotencyOptions = Readonly<{
  client: SqlClient;
  /**
   * The longest a running request owns its key. A crashed owner's key is free at once (its owner
   * session ended); the lease only bounds a hung owner and claims made before migration 0006.
   */
  leaseSeconds: number;
  /** How long a completed key replays (≥ 24 h; 7 days covers terminals that queue offline). */
  retentionSeconds: number;
}>;

export const IDEMPOTENCY_DEFAULTS = { leaseSeconds: 60, retentionSeconds: 7 * 24 * 3600 } as const;

type KeyRow = {
  fingerprint: string;
  state: 'in_progress' | 'completed';
  response_status: number | null;
  response_body: string | null;
};

/** A live owner usually finishes in milliseconds: ask the client to come back soon. */
const IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

/**
 * Idempotency records in PostgreSQL (`idempotency_keys`). `begin` claims a key in one statement:
 * a new key, an expired record, or an in-progress key (same fingerprint) whose owner is dead — its
 * owner session is gone (IdempotencyOwner, migration 0006) or its lease ran out — is (re)claimed;
 * anything else is reported as replay, mismatch or in progress (Retry-After: 1 s).
 *
 * The claim commits with `synchronous_commit = off` (no WAL flush of its own): if the command
 * appends, its synchronous commit flushes the WAL up to itself, claim included; if the process
 * dies before anything commits, losing the claim is harmless (the retry runs once). Saves one
 * WAL flush per POST.
 * Completion with events happens inside `ledger_append` (see EventStore.append options).
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  private readonly owner: IdempotencyOwner;

  constructor(private readonly options: PostgresIdempotencyOptions) {
    this.owner = new IdempotencyOwner(options.client);
  }

  async begin(ref: IdempotencyKeyRef, fingerprint: string): Promise<IdempotencyBegin> {
    await this.owner.held();
    const claimed = await this.options.client.query(
      `INSERT INTO idempotency_keys AS k (scope, key, fingerprint, state, locked_until, expires_at, owner)
       SELECT $1::text, $2::text, $3::text, 'in_progress', now() + make_interval(secs => $4), now() + make_interval(secs => $5), $6::text
         FROM (SELECT set_config('synchronous_commit', 'off', true)) AS asynchronous_commit
       ON CONFLICT (scope, key) DO UPDATE
          SET fingerprint = excluded.fingerprint, state = 'in_progress', response_status = NULL, response_body = NULL,
              locked_until = excluded.locked_until, expires_at = excluded.expires_at, created_at = now(), owner = excluded.owner
        WHERE k.expires_at < now()
           -- A 5xx is never pinned (docs/idempotency.md); this frees one stored by an older version.
           OR (k.state = 'completed' AND k.response_status >= 500 AND k.fingerprint = excluded.fingerprint)
           OR (k.state = 'in_progress' AND k.fingerprint = excluded.fingerprint
               AND (k.locked_until < now()
                    OR (k.owner IS NOT NULL AND k.owner <> excluded.owner AND NOT ledger_idempotency_owner_alive(k.owner))))
       RETURNING 1 AS claimed`,
      [ref.scope, ref.key, fingerprint, this.options.leaseSeconds, this.options.retentionSeconds, this.owner.id],
    );
    if (claimed.length > 0) return { outcome: 'started' };
    const rows = await this.options.client.query<KeyRow>(
      `SELECT fingerprint, state, response_status, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [ref.scope, ref.key],
    );
    const row = rows[0];
    // Released between our two statements: the caller may simply retry.
    if (row === undefined) return { outcome: 'in_progress', retryAfterSeconds: IN_PROGRESS_RETRY_AFTER_SECONDS };
    if (row.fingerprint !== fingerprint) return { outcome: 'mismatch' };
    if (row.state === 'completed' && row.response_status !== null && row.response_body !== null) {
      return { outcome: 'replay', response: { status: row.response_status, body: row.response_body } };
    }
    return { outcome: 'in_progress', retryAfterSeconds: IN_PROGRESS_RETRY_AFTER_SECONDS };
  }

  /** Gives up this process's owner session (its claims then count as dead). Call after the last request. */
  async close(): Promise<void> {
    await this.owner.close();
  }

  async complete(ref: IdempotencyKeyRef, response: StoredResponse): Promise<void> {
    await this.options.client.query(
      `UPDATE idempotency_keys SET state = 'completed', response_status = $3, response_body = $4, locked_until = NULL
        WHERE scope = $1 AND key = $2 AND state = 'in_progress'`,
      [ref.scope, ref.key, response.status, response.body],
    );
  }

  async release(ref: IdempotencyKeyRef): Promise<void> {
    await this.options.client.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'in_progress'`, [ref.scope, ref.key]);
  }

  /** Deletes records past their retention; returns how many. */
  async prune(): Promise<number> {
    const rows = await this.options.client.query<{ pruned: number }>(
      `WITH gone AS (DELETE FROM idempotency_keys WHERE expires_at < now() RETURNING 1) SELECT count(*)::int AS pruned FROM gone`,
    );
    return rows[0]?.pruned ?? 0;
  }
}
