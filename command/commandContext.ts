import type { EventStore } from '../domain/eventStore/index.js';
import type { IdempotencyStore } from '../domain/idempotency/index.js';

/** What command handlers need from the outside world, injected by infra (the composition root). */
export type CommandContext = Readonly<{
  store: EventStore;
  idempotency: IdempotencyStore;
  /** The clock; read once per request and passed into the command as `now`. */
  now: () => Date;
  /** New UUIDs (event ids) and prefixed ULIDs (entity ids). */
  newUuid: () => string;
  newId: (prefix: string) => string;
  /** Bounded retries when another writer got to the stream first. */
  conflictRetriesMax: number;
}>;
