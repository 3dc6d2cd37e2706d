/**
 * Single-use records for authentication (migration 0003): partner request nonces and terminal
 * assertion ids. A record is inserted with ON CONFLICT DO NOTHING; "nothing inserted" means the
 * value was used before, so the request is a replay. Records live until the credential they
 * protect can no longer be accepted anyway, then `pruneExpiredNonces` removes them.
 */
import type { SqlClient } from '../db/sqlClient.js';

/**
 * Records a partner's nonce; false when it was already used (a replay).
 *
 * @example if (!(await recordPartnerNonce(client, 'cp_01…', nonce, expiresAt))) refuse('replayed_nonce');
 */
export async function recordPartnerNonce(client: SqlClient, clientPartnerId: string, nonce: string, expiresAt: Date): Promise<boolean> {
  const rows = await client.query(
    `INSERT INTO auth_partner_nonces (client_partner_id, nonce, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (client_partner_id, nonce) DO NOTHING RETURNING 1 AS recorded`,
    [clientPartnerId, nonce, expiresAt.toISOString()],
  );
  return rows.length > 0;
}

/**
 * Records a terminal assertion's `jti`; false when it was already used (a replay).
 *
 * @example if (!(await recordTerminalAssertion(client, 'trm_01…', jti, expiresAt))) refuse('replayed_nonce');
 */
export async function recordTerminalAssertion(client: SqlClient, terminalId: string, jti: string, expiresAt: Date): Promise<boolean> {
  const rows = await client.query(
    `INSERT INTO auth_terminal_assertions (terminal_id, jti, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (terminal_id, jti) DO NOTHING RETURNING 1 AS recorded`,
    [terminalId, jti, expiresAt.toISOString()],
  );
  return rows.length > 0;
}

/**
 * Deletes records that expired before `now` (the ledger's clock, the same one that set the
 * expiries, so the database's clock cannot prune a nonce early). Returns how many went. Run it
 * periodically (e.g. every minute); see `startNoncePruning`.
 *
 * @example const pruned = await pruneExpiredNonces(client, new Date());
 */
export async function pruneExpiredNonces(client: SqlClient, now: Date): Promise<number> {
  const rows = await client.query<{ pruned: number }>(
    `WITH partner AS (DELETE FROM auth_partner_nonces WHERE expires_at < $1 RETURNING 1),
          terminal AS (DELETE FROM auth_terminal_assertions WHERE expires_at < $1 RETURNING 1)
     SELECT ((SELECT count(*) FROM partner) + (SELECT count(*) FROM terminal))::int AS pruned`,
    [now.toISOString()],
  );
  return rows[0]?.pruned ?? 0;
}

/**
 * Prunes every `intervalMs` until the returned function is called. Failures are reported and the
 * next tick tries again: a missed prune only leaves rows a little longer.
 *
 * @example const stop = startNoncePruning({ client, now: () => new Date(), intervalMs: 60_000, onError: (error) => log.warn({ err: error }) });
 */
export function startNoncePruning(options: Readonly<{ client: SqlClient; now: () => Date; intervalMs: number; onError: (error: unknown) => void }>): () => void {
  const timer = setInterval(() => {
    pruneExpiredNonces(options.client, options.now()).catch(options.onError);
  }, options.intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}
