-- The projection runtime (ARCHITECTURE.md §7; infra/projections; docs/projections.md).

-- One row per generation of a projection. A generation owns the schema `rm_<name>_g<generation>`
-- holding its tables, and its checkpoint, which moves in the same transaction as its table writes
-- (compare-and-set on the previous position, so an instance that lost its lock cannot move it).
-- state: 'building' (a rebuild catching up, not yet serving), 'serving' (the one queries read; at
-- most one per projection), 'retired' (replaced; its schema is dropped).
CREATE TABLE projection_generations (
  projection_name       text        NOT NULL CHECK (projection_name ~ '^[a-z][a-z0-9_]{0,29}$'),
  generation            integer     NOT NULL CHECK (generation >= 1),
  version               integer     NOT NULL CHECK (version >= 1),
  schema_name           text        NOT NULL UNIQUE,
  state                 text        NOT NULL CHECK (state IN ('building', 'serving', 'retired')),
  position              text        NOT NULL CHECK (position ~ '^[0-9]{1,20}:[0-9]{1,20}$'),
  events_applied        bigint      NOT NULL DEFAULT 0 CHECK (events_applied >= 0),
  last_event_recorded_at timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  caught_up_at          timestamptz,
  switched_at           timestamptz,
  updated_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projection_name, generation)
);
CREATE UNIQUE INDEX projection_generations_one_serving ON projection_generations (projection_name) WHERE state = 'serving';
CREATE UNIQUE INDEX projection_generations_one_building ON projection_generations (projection_name) WHERE state = 'building';

-- An event a projection could not apply after its retries. The projection stops before it (status
-- 'parked') until an operator retries it (after a fix) or skips it explicitly; either way the row
-- stays as the record. Nothing is skipped silently.
CREATE TABLE projection_parked_events (
  projection_name text        NOT NULL,
  generation      integer     NOT NULL,
  event_id        uuid        NOT NULL,
  position        text        NOT NULL,
  stream_name     text        NOT NULL,
  event_type      text        NOT NULL,
  error           text        NOT NULL,
  attempts        integer     NOT NULL CHECK (attempts >= 1),
  parked_at       timestamptz NOT NULL DEFAULT now(),
  resolution      text        CHECK (resolution IN ('retried', 'skipped')),
  resolved_at     timestamptz,
  PRIMARY KEY (projection_name, generation, event_id),
  FOREIGN KEY (projection_name, generation) REFERENCES projection_generations (projection_name, generation) ON DELETE CASCADE
);
