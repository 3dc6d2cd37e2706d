import type { IdempotencyBegin, IdempotencyKeyRef, IdempotencyStore, StoredResponse } from '../../../domain/idempotency/index.js';
import { randomUUID } from 'node:crypto';
import { isStoreUnavailable } from '../../../domain/eventStore/index.js';
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

/**
 * The tokens of the claims this process holds, so a release deletes only its own claim. Entries of
 * keys completed by an append (which never come back here) are dropped once their lease is over.
 */
class ClaimTokens {
  private readonly tokens = new Map<string, { token: string; at: number }>();

  constructor(private readonly leaseMs: number) {}

  remember(ref: IdempotencyKeyRef, token: string): void {
    const now = Date.now();
    for (const [id, entry] of this.tokens) {
      if (now - entry.at <= this.leaseMs) break;
      this.tokens.delete(id);
    }
    const id = `${ref.scope}\u0000${ref.key}`;
    this.tokens.delete(id);
    this.tokens.set(id, { token, at: now });
  }

  take(ref: IdempotencyKeyRef): string | undefined {
    const id = `${ref.scope}\u0000${ref.key}`;
    const entry = this.tokens.get(id);
    this.tokens.delete(id);
    return entry?.token;
  }
}

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
 * A claim carries its request's token: when the claim's reply or a release is lost with the
 * connection, the claim is deleted by token in the background once the database answers (never
 * pinned, never another request's claim), so retries are not held for the whole lease.
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  private readonly owner: IdempotencyOwner;
  private readonly claims: ClaimTokens;
  private readonly closed = new AbortController();

  constructor(private readonly options: PostgresIdempotencyOptions) {
    this.owner = new IdempotencyOwner(options.client);
    this.claims = new ClaimTokens(options.leaseSeconds * 1000);
  }

  async begin(ref: IdempotencyKeyRef, fingerprint: string): Promise<IdempotencyBegin> {
    await this.owner.held();
    const token = randomUUID();
    let claimed: unknown[];
    try {
      claimed = await this.options.client.query(
        `INSERT INTO idempotency_keys AS k (scope, key, fingerprint, state, locked_until, expires_at, owner, claim_token)
         SELECT $1::text, $2::text, $3::text, 'in_progress', now() + make_interval(secs => $4), now() + make_interval(secs => $5), $6::text, $7::uuid
           FROM (SELECT set_config('synchronous_commit', 'off', true)) AS asynchronous_commit
         ON CONFLICT (scope, key) DO UPDATE
            SET fingerprint = excluded.fingerprint, state = 'in_progress', response_status = NULL, response_body = NULL,
                locked_until = excluded.locked_until, expires_at = excluded.expires_at, created_at = now(),
                owner = excluded.owner, claim_token = excluded.claim_token
          WHERE k.expires_at < now()
             -- A 5xx is never pinned (docs/idempotency.md); this frees one stored by an older version.
             OR (k.state = 'completed' AND k.response_status >= 500 AND k.fingerprint = excluded.fingerprint)
             OR (k.state = 'in_progress' AND k.fingerprint = excluded.fingerprint
                 AND (k.locked_until < now()
                      OR (k.owner IS NOT NULL AND k.owner <> excluded.owner AND NOT ledger_idempotency_owner_alive(k.owner))))
         RETURNING 1 AS claimed`,
        [ref.scope, ref.key, fingerprint, this.options.leaseSeconds, this.options.retentionSeconds, this.owner.id, token],
      );
    } catch (error) {
      // The claim may have committed without its reply: free it once the database answers.
      if (isStoreUnavailable(error)) this.forgetLater(ref, token);
      throw error;
    }
    if (claimed.length > 0) {
      this.claims.remember(ref, token);
      return { outcome: 'started' };
    }
    const rows = await this.options.client.query<KeyRow>(`SELECT fingerprint, state, response_status, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2`, [
      ref.scope,
      ref.key,
    ]);
    const row = rows[0];
    // Released between our two statements: the caller may simply retry.
    if (row === undefined) return { outcome: 'in_progress', retryAfterSeconds: IN_PROGRESS_RETRY_AFTER_SECONDS };
    if (row.fingerprint !== fingerprint) return { outcome: 'mismatch' };
    if (row.state === 'completed' && row.response_status !== null && row.response_body !== null) {
      return { outcome: 'replay', response: { status: row.response_status, body: row.response_body } };
    }
    return { outcome: 'in_progress', retryAfterSeconds: IN_PROGRESS_RETRY_AFTER_SECONDS };
  }

  /**
   * After the last request: stops the background releases and gives up this process's owner session
   * (its claims then count as dead).
   */
  async close(): Promise<void> {
    this.closed.abort();
    await this.owner.close();
  }

  async complete(ref: IdempotencyKeyRef, response: StoredResponse): Promise<void> {
    this.claims.take(ref);
    await this.options.client.query(
      `UPDATE idempotency_keys SET state = 'completed', response_status = $3, response_body = $4, locked_until = NULL
        WHERE scope = $1 AND key = $2 AND state = 'in_progress'`,
      [ref.scope, ref.key, response.status, response.body],
    );
  }

  /** Frees our claim; with the database unreachable, keeps trying in the background (for up to the lease). */
  async release(ref: IdempotencyKeyRef): Promise<void> {
    const token = this.claims.take(ref);
    try {
      await this.deleteClaim(ref, token);
    } catch (error) {
      if (!isStoreUnavailable(error) || token === undefined) throw error;
      this.forgetLater(ref, token);
    }
  }

  private async deleteClaim(ref: IdempotencyKeyRef, token: string | undefined): Promise<void> {
    await this.options.client.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'in_progress' AND ($3::uuid IS NULL OR claim_token = $3::uuid)`, [
      ref.scope,
      ref.key,
      token ?? null,
    ]);
  }

  /** Retries deleting the claim made with `token` (never another request's) until it succeeds or the lease is over. */
  private forgetLater(ref: IdempotencyKeyRef, token: string): void {
    const deadline = Date.now() + this.options.leaseSeconds * 1000;
    const attempt = async (failures: number): Promise<void> => {
      if (this.closed.signal.aborted || Date.now() > deadline) return;
      try {
        await this.deleteClaim(ref, token);
      } catch {
        const timer = setTimeout(() => void attempt(failures + 1), Math.min(2000, 100 * 2 ** Math.min(failures, 5)));
        timer.unref();
      }
    };
    void attempt(0);
  }
}
