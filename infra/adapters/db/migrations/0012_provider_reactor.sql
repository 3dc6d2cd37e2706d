-- The provider reactor (docs/providers-reactor.md; infra/runtime/reactors): its own record of each task of
-- the provider_tasks read model, kept outside the read model's generations so a rebuild never forgets
-- that a create was already sent for a reference (payments.md §4.5: never a second create).

CREATE TABLE provider_task_runs (
  task_id       text        PRIMARY KEY CHECK (length(task_id) BETWEEN 1 AND 200),
  attempts      integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_due_at   timestamptz,
  -- Written BEFORE a create is sent: a task found with it set is resolved by query, never re-sent.
  dispatched_at timestamptz,
  -- Set when the task needs nothing more and no event will close it (a cleanup that found nothing).
  finished_at   timestamptz,
  last_outcome  text,
  last_error    text,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- A webhook (a hint, never a state change) makes the attempt's open tasks due at once.
CREATE TABLE provider_task_nudges (
  attempt_id text        PRIMARY KEY CHECK (length(attempt_id) BETWEEN 1 AND 64),
  nudged_at  timestamptz NOT NULL
);

-- Webhook deliveries seen, for deduplication: the provider retries and may repeat or reorder them.
CREATE TABLE provider_webhooks (
  provider    text        NOT NULL,
  dedupe_key  text        NOT NULL CHECK (length(dedupe_key) BETWEEN 1 AND 300),
  attempt_id  text        NOT NULL,
  state       text        NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, dedupe_key)
);
CREATE INDEX provider_webhooks_received ON provider_webhooks (received_at);
