/**
 * Staff credentials (ARCHITECTURE.md §6): one per person or system, with a role, created, listed and
 * revoked by an operator. The credential is `stf_<ULID>.<secret>` (32 random bytes, base64url); the
 * table `auth_staff_credentials` keeps the id and the SHA-256 of the secret, never the secret. Every
 * request reads the row, so a revocation bites on the next request.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { refuse, type AuthOutcome } from '../../../http/authProblems.js';
import type { StaffPrincipal, StaffRole } from '../../../http/principal.js';
import type { SqlClient } from '../db/sqlClient.js';

export const STAFF_TOKEN_PREFIX = 'stf_';
const TOKEN_PATTERN = /^(stf_[0-9A-HJKMNP-TV-Z]{26})\.([A-Za-z0-9_-]{43})$/;
/** last_used_at is refreshed at most this often per credential (one write a second, not one a request). */
const LAST_USED_RESOLUTION_MS = 1_000;

export type StaffCredential = Readonly<{
  credentialId: string;
  name: string;
  role: StaffRole;
  merchantId: string | null;
  clientPartnerId: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
  lastUsedAt: string | null;
}>;

export type NewStaffCredential = Readonly<
  { name: string; createdBy: string } & ({ role: Exclude<StaffRole, 'merchant_reader'> } | { role: 'merchant_reader'; merchantId: string; clientPartnerId: string })
>;

export type StaffCredentialStore = Readonly<{
  /** Creates a credential; the returned `token` is the only copy of the secret. */
  create: (request: NewStaffCredential) => Promise<Readonly<{ credential: StaffCredential; token: string }>>;
  /** Every credential, newest first (revoked ones too). */
  list: () => Promise<readonly StaffCredential[]>;
  /** Revokes a credential (again: no change); undefined when there is no such credential. */
  revoke: (credentialId: string, revokedBy: string) => Promise<StaffCredential | undefined>;
  /** `stf_<id>.<secret>` → the staff principal, or the refusal. */
  authenticate: (token: string) => Promise<AuthOutcome>;
}>;

export type StaffCredentialStoreOptions = Readonly<{ client: SqlClient; now: () => Date; newId: (prefix: string) => string }>;

type CredentialRow = Readonly<{
  credential_id: string;
  name: string;
  role: StaffRole;
  merchant_id: string | null;
  client_partner_id: string | null;
  secret_hex: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  revoked_by: string | null;
  last_used_at: string | null;
}>;

const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;
const COLUMNS = `credential_id, name, role, merchant_id, client_partner_id, encode(secret_sha256, 'hex') AS secret_hex, ${iso('created_at')}, created_by, ${iso('revoked_at')}, revoked_by, ${iso('last_used_at')}`;

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

const toCredential = (row: CredentialRow): StaffCredential => ({
  credentialId: row.credential_id,
  name: row.name,
  role: row.role,
  merchantId: row.merchant_id,
  clientPartnerId: row.client_partner_id,
  createdAt: row.created_at,
  createdBy: row.created_by,
  revokedAt: row.revoked_at,
  revokedBy: row.revoked_by,
  lastUsedAt: row.last_used_at,
});

function principalOf(row: CredentialRow): StaffPrincipal {
  const base = { kind: 'staff' as const, credentialId: row.credential_id, name: row.name };
  if (row.role !== 'merchant_reader') return { ...base, role: row.role };
  if (row.merchant_id === null || row.client_partner_id === null) throw new Error(`staff credential ${row.credential_id} has no merchant`);
  return { ...base, role: 'merchant_reader', merchantId: row.merchant_id, clientPartnerId: row.client_partner_id };
}

/**
 * @example
 * const staff = createStaffCredentialStore({ client, now: () => new Date(), newId: newPrefixedId });
 * const { token } = await staff.create({ name: 'Alice (audit firm)', role: 'auditor', createdBy: 'operator_secret' });
 * await staff.authenticate(token); // { ok: true, principal: { kind: 'staff', role: 'auditor', … } }
 */
export function createStaffCredentialStore(options: StaffCredentialStoreOptions): StaffCredentialStore {
  const { client, now } = options;
  const select = async (credentialId: string): Promise<CredentialRow | undefined> =>
    (await client.query<CredentialRow>(`SELECT ${COLUMNS} FROM auth_staff_credentials WHERE credential_id = $1`, [credentialId]))[0];

  return {
    create: async (request) => {
      const credentialId = options.newId('stf');
      const secret = randomBytes(32).toString('base64url');
      const merchant = request.role === 'merchant_reader' ? [request.merchantId, request.clientPartnerId] : [null, null];
      await client.query(
        `INSERT INTO auth_staff_credentials (credential_id, name, role, merchant_id, client_partner_id, secret_sha256, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, decode($6, 'hex'), $7, $8)`,
        [credentialId, request.name, request.role, ...merchant, sha256(secret).toString('hex'), now().toISOString(), request.createdBy],
      );
      const row = await select(credentialId);
      if (row === undefined) throw new Error(`staff credential ${credentialId} vanished after its insert`);
      return { credential: toCredential(row), token: `${credentialId}.${secret}` };
    },
    list: async () => (await client.query<CredentialRow>(`SELECT ${COLUMNS} FROM auth_staff_credentials ORDER BY credential_id DESC`)).map(toCredential),
    revoke: async (credentialId, revokedBy) => {
      await client.query(`UPDATE auth_staff_credentials SET revoked_at = $2, revoked_by = $3 WHERE credential_id = $1 AND revoked_at IS NULL`, [
        credentialId,
        now().toISOString(),
        revokedBy,
      ]);
      const row = await select(credentialId);
      return row === undefined ? undefined : toCredential(row);
    },
    authenticate: async (token) => {
      const match = TOKEN_PATTERN.exec(token);
      if (match === null) return refuse('invalid_token', 'the staff credential is not valid');
      const [, credentialId = '', secret = ''] = match;
      const row = await select(credentialId);
      // Compare digests in constant time; an unknown id costs the same hash as a known one.
      const expected = row === undefined ? sha256('') : Buffer.from(row.secret_hex, 'hex');
      if (row === undefined || !timingSafeEqual(expected, sha256(secret))) return refuse('invalid_token', 'the staff credential is not valid');
      if (row.revoked_at !== null) return refuse('credential_revoked', `staff credential ${credentialId} was revoked`);
      const usedAt = now();
      await client.query(`UPDATE auth_staff_credentials SET last_used_at = $2 WHERE credential_id = $1 AND (last_used_at IS NULL OR last_used_at < $3)`, [
        credentialId,
        usedAt.toISOString(),
        new Date(usedAt.getTime() - LAST_USED_RESOLUTION_MS).toISOString(),
      ]);
      return { ok: true, principal: principalOf(row) };
    },
  };
}
