-- Authentication state (ARCHITECTURE.md §6; infra/auth). None of it is business data: the tenancy
-- itself (partners, terminals, their keys and statuses) lives in the event store.

-- Partner HMAC nonces. A signed request is accepted once: its (partner, nonce) is inserted with
-- ON CONFLICT DO NOTHING and a conflict is a replay. A row lives until its request's timestamp can
-- no longer pass the ±300 s window (expires_at), then `pruneExpiredNonces` deletes it.
CREATE TABLE auth_partner_nonces (
  client_partner_id text        NOT NULL CHECK (length(client_partner_id) BETWEEN 1 AND 64),
  nonce             text        NOT NULL CHECK (nonce ~ '^[A-Za-z0-9_-]{16,64}$'),
  expires_at        timestamptz NOT NULL,
  PRIMARY KEY (client_partner_id, nonce)
);
CREATE INDEX auth_partner_nonces_expiry ON auth_partner_nonces (expires_at);

-- Terminal assertion ids (`jti`): a proof of possession buys one token, once.
CREATE TABLE auth_terminal_assertions (
  terminal_id text        NOT NULL CHECK (length(terminal_id) BETWEEN 1 AND 64),
  jti         text        NOT NULL CHECK (length(jti) BETWEEN 1 AND 128),
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (terminal_id, jti)
);
CREATE INDEX auth_terminal_assertions_expiry ON auth_terminal_assertions (expires_at);

-- Server keys, generated on first use (INSERT … ON CONFLICT DO NOTHING, then SELECT) so every
-- process on this database agrees on them:
--   token_signing      the HS256 key of terminal access tokens and payment tokens;
--   credential_master  the AES-256-GCM key of provider credentials when LEDGER_MASTER_KEY is unset
--                      (the embedded default; production sets the environment variable instead).
CREATE TABLE auth_server_keys (
  name       text        PRIMARY KEY CHECK (name IN ('token_signing', 'credential_master')),
  key_bytes  bytea       NOT NULL CHECK (length(key_bytes) = 32),
  created_at timestamptz NOT NULL DEFAULT now()
);
