-- The Kafka integration relay (ARCHITECTURE.md §8; docs/integration-events.md; infra/kafka/relay.ts).

-- One row per relay: how far in the log it has published, acknowledged by the broker. Written only
-- AFTER the broker acknowledged a batch, in the same transaction as that batch's intent contexts,
-- with a compare-and-set on the previous position so a relay that lost its lock cannot move it.
-- position = formatPosition(LogPosition) = "<xid8>:<global_position>".
CREATE TABLE relay_checkpoints (
  relay_name       text        PRIMARY KEY CHECK (relay_name ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
  position         text        NOT NULL CHECK (position ~ '^[0-9]{1,20}:[0-9]{1,20}$'),
  events_published bigint      NOT NULL DEFAULT 0 CHECK (events_published >= 0),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Per-intent context the mapping needs but not every domain event carries (only
-- PaymentIntentCreated has the order reference; refunds need the amounts received and refunded;
-- a capture needs the authorized card). Equal to the fold of the intent's events up to the
-- relay's checkpoint, because both are written in one transaction. Per relay, so two relays at
-- different checkpoints never see each other's future.
CREATE TABLE relay_intent_context (
  relay_name          text   NOT NULL REFERENCES relay_checkpoints (relay_name) ON DELETE CASCADE,
  payment_intent_id   text   NOT NULL CHECK (length(payment_intent_id) BETWEEN 1 AND 64),
  client_reference_id text   CHECK (length(client_reference_id) BETWEEN 1 AND 64),
  amount_received     bigint NOT NULL CHECK (amount_received >= 0),
  amount_refunded     bigint NOT NULL CHECK (amount_refunded >= 0),
  authorized_method   jsonb,
  PRIMARY KEY (relay_name, payment_intent_id)
);
