-- The event store (ARCHITECTURE.md §4). One writer path: the function ledger_append.
--
-- Global order: every row carries the xid8 of the transaction that wrote it. Readers take only
-- rows whose transaction_id is below pg_snapshot_xmin(pg_current_snapshot()): every transaction
-- below that has ended, so no row can appear later behind a reader's checkpoint. The order of
-- the log is (transaction_id, global_position). See docs/event-store.md.

-- Each stream's head (last revision, last hash) is its newest row, found by a backward probe of
-- the primary key: there is no separate streams table to keep in step (one write less per append).
CREATE TABLE ledger_events (
  global_position  bigint GENERATED ALWAYS AS IDENTITY,
  transaction_id   xid8        NOT NULL,
  event_id         uuid        NOT NULL UNIQUE,
  stream_name      text        NOT NULL CHECK (length(stream_name) BETWEEN 1 AND 200),
  stream_revision  bigint      NOT NULL CHECK (stream_revision >= 0),
  event_type       text        NOT NULL CHECK (length(event_type) BETWEEN 1 AND 200),
  schema_version   integer     NOT NULL CHECK (schema_version >= 1),
  data             jsonb       NOT NULL,
  metadata         jsonb       NOT NULL,
  recorded_at      timestamptz NOT NULL,
  prev_hash        bytea       NOT NULL CHECK (length(prev_hash) = 32),
  hash             bytea       NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (stream_name, stream_revision)
);

-- The log order, read by every subscriber (global_position comes from one sequence: unique).
CREATE UNIQUE INDEX ledger_events_log_order ON ledger_events (transaction_id, global_position);

-- Idempotency records (reference/payments.md (d)); see infra/idempotency.
CREATE TABLE idempotency_keys (
  scope           text        NOT NULL CHECK (length(scope) BETWEEN 1 AND 200),
  key             text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  fingerprint     text        NOT NULL,
  state           text        NOT NULL CHECK (state IN ('in_progress', 'completed')),
  response_status integer,
  response_body   text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  locked_until    timestamptz,
  expires_at      timestamptz NOT NULL,
  PRIMARY KEY (scope, key),
  CHECK ((state = 'completed') = (response_status IS NOT NULL AND response_body IS NOT NULL))
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
