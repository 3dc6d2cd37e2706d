-- Support tables of the EventStoreDB adapter (infra/eventStore/eventStoreDb; docs/event-store.md,
-- "EventStoreDB"). Unused, and empty, when the ledger runs on the PostgreSQL event store.

-- Which stream each event id belongs to. EventStoreDB deduplicates event ids only within a stream;
-- the port promises they are unique across streams. A row is written BEFORE the event is appended
-- and never removed, so an id can never be appended to a second stream. A row whose append
-- failed only reserves a random UUID for the stream it was meant for.
CREATE TABLE eventstoredb_event_ids (
  event_id    uuid PRIMARY KEY,
  stream_name text NOT NULL CHECK (length(stream_name) BETWEEN 1 AND 200)
);

-- The write-ahead record of an idempotent command's append (the idempotency key cannot complete
-- in the same transaction as an EventStoreDB append). Written and committed before the append;
-- deleted when the key completes. A row left by a crash is resolved by re-sending exactly these
-- events with this expectation (EventStoreDB answers a re-sent append idempotently), then the
-- key completes with this response — see infra/eventStore/eventStoreDb/idempotencyJournal.ts.
CREATE TABLE eventstoredb_pending_appends (
  scope           text        NOT NULL,
  key             text        NOT NULL,
  stream_name     text        NOT NULL CHECK (length(stream_name) BETWEEN 1 AND 200),
  expected        jsonb       NOT NULL,
  events          jsonb       NOT NULL,
  response_status integer     NOT NULL CHECK (response_status BETWEEN 100 AND 599),
  response_body   text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key),
  FOREIGN KEY (scope, key) REFERENCES idempotency_keys (scope, key) ON DELETE CASCADE
);
