/**
 * Server keys kept in the database (`auth_server_keys`, migration 0003), generated on first use so
 * that every process on one database agrees on them without configuration: the token signing key,
 * and the credential master key of the embedded default.
 */
import { randomBytes } from 'node:crypto';
import type { SqlClient } from '../db/sqlClient.js';

export type ServerKeyName = 'token_signing' | 'credential_master';

export const SERVER_KEY_BYTES = 32;

/**
 * Loads a key, creating it if no process has yet. Race-safe: every racer proposes a random key
 * with INSERT … ON CONFLICT DO NOTHING (the loser waits for the winner's commit and inserts
 * nothing), then all read the one that committed, in a second statement so its snapshot sees it.
 *
 * @example const signingKey = await loadOrCreateServerKey(client, 'token_signing'); // 32 bytes
 */
export async function loadOrCreateServerKey(client: SqlClient, name: ServerKeyName): Promise<Buffer> {
  await client.query(`INSERT INTO auth_server_keys (name, key_bytes) VALUES ($1, decode($2, 'hex')) ON CONFLICT (name) DO NOTHING`, [
    name,
    randomBytes(SERVER_KEY_BYTES).toString('hex'),
  ]);
  const rows = await client.query<{ key_hex: string }>(`SELECT encode(key_bytes, 'hex') AS key_hex FROM auth_server_keys WHERE name = $1`, [name]);
  const keyHex = rows[0]?.key_hex;
  if (keyHex === undefined) throw new Error(`server key ${name} is missing after it was created`);
  return Buffer.from(keyHex, 'hex');
}

/**
 * A per-process memo of `loadOrCreateServerKey`: one read per key and process. A failed load (the
 * database was down) is forgotten, so the next request tries again.
 *
 * @example const keys = serverKeyLoader(client); const key = await keys('token_signing');
 */
export function serverKeyLoader(client: SqlClient): (name: ServerKeyName) => Promise<Buffer> {
  const loaded = new Map<ServerKeyName, Promise<Buffer>>();
  return (name) => {
    const existing = loaded.get(name);
    if (existing !== undefined) return existing;
    const loading = loadOrCreateServerKey(client, name);
    loaded.set(name, loading);
    loading.catch(() => loaded.delete(name));
    return loading;
  };
}
