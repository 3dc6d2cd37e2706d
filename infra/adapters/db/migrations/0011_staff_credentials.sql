-- Staff credentials (ARCHITECTURE.md §6; infra/adapters/auth/staffCredentials.ts): one per person or
-- system, with a role. Presented as `Authorization: Bearer stf_<ULID>.<secret>`; the ledger keeps only
-- the SHA-256 of the 32-byte random secret. Revoking sets revoked_at; a revoked credential is refused
-- at once (every request reads this row). last_used_at is refreshed at most once a second per credential.
CREATE TABLE auth_staff_credentials (
  credential_id     text        PRIMARY KEY CHECK (credential_id ~ '^stf_[0-9A-HJKMNP-TV-Z]{26}$'),
  name              text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role              text        NOT NULL CHECK (role IN ('operator', 'auditor', 'ops', 'merchant_reader')),
  -- The merchant a merchant_reader may read (and its client partner); NULL for every other role.
  merchant_id       text        NULL,
  client_partner_id text        NULL,
  secret_sha256     bytea       NOT NULL CHECK (length(secret_sha256) = 32),
  created_at        timestamptz NOT NULL,
  created_by        text        NOT NULL,
  revoked_at        timestamptz NULL,
  revoked_by        text        NULL,
  last_used_at      timestamptz NULL,
  CHECK ((role = 'merchant_reader') = (merchant_id IS NOT NULL AND client_partner_id IS NOT NULL)),
  CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
