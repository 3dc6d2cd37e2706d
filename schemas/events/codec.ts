/**
 * The versioned codec of one aggregate's stored events (ARCHITECTURE.md §2): `decode` on every
 * read (command side, projectors, relay, tenancy directory), `encode` on every write, and the
 * upcasting of old schema versions in ONE place, the codec's `upcasters`.
 *
 * A stored row that does not decode (another aggregate's type, a schema version this code does not
 * know, a payload the schema refuses) throws `UndecodableEventError` naming the stream and
 * revision: the command side answers 500 `stored_event_undecodable`, a projector's batch fails and
 * the runtime parks the event, the relay stops in state `failed`. Never a silent pass.
 */
import { z } from 'zod';
import type { JsonObject, RecordedEvent } from '../../domain/eventStore/index.js';
import { findJsonProblem } from '../../domain/eventStore/index.js';

/** A domain event as deciders produce it: a `type` and plain data. */
export type EventShape = Readonly<{ type: string; data: object }>;

/** The data of the event of type `T` in the union `Event`. */
export type DataOf<Event extends EventShape, T extends Event['type']> = Extract<Event, { type: T }>['data'];

/** One zod schema per event type of the union, kept complete by the compiler. */
export type EventSchemas<Event extends EventShape> = { readonly [T in Event['type']]: z.ZodType<DataOf<Event, T>> };

/**
 * True when `A` and `B` are assignable both ways (readonly aside). Used as a type test in every
 * schema file: a field added to (or retyped in) the domain type but not the schema fails typecheck.
 */
export type Agrees<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compiles only when every entry is `true`. */
export type AllAgree<Checks extends Readonly<Record<string, true>>> = Checks;

/** Lifts the data of an event stored at `fromVersion` to `fromVersion + 1`. Pure, total on its input. */
export type Upcaster = (type: string, data: JsonObject) => JsonObject;

/** What a writer stores for an event (the event store's `NewEvent` without id and metadata). */
export type EncodedEvent = Readonly<{ type: string; schemaVersion: number; data: JsonObject }>;

/** The fields of a stored event a codec reads. */
export type StoredEventRow = Pick<RecordedEvent, 'id' | 'stream' | 'revision' | 'type' | 'schemaVersion' | 'data'>;

/** A stored event this code cannot read. Loud by design: see the module comment. */
export class UndecodableEventError extends Error {
  override readonly name = 'UndecodableEventError';
  /** Stable, for problem documents and logs. */
  readonly code = 'stored_event_undecodable';
  readonly stream: string;
  readonly revision: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly schemaVersion: number;

  constructor(row: StoredEventRow, reason: string) {
    super(`cannot decode ${row.type} v${row.schemaVersion} (event ${row.id}, ${row.stream}@${row.revision}): ${reason}`);
    this.stream = row.stream;
    this.revision = row.revision;
    this.eventId = row.id;
    this.eventType = row.type;
    this.schemaVersion = row.schemaVersion;
  }
}

export const isUndecodableEventError = (value: unknown): value is UndecodableEventError => value instanceof UndecodableEventError;

export type EventCodec<Event extends EventShape> = Readonly<{
  /** The aggregate's name, for messages. */
  aggregate: string;
  /** Every stream of this aggregate starts with it (the one definition: its stream-name function uses it too). */
  streamPrefix: string;
  /** The schema version `encode` writes. */
  schemaVersion: number;
  eventTypes: readonly Event['type'][];
  /** True when `stream` belongs to this aggregate. */
  owns: (stream: string) => boolean;
  /** True when `type` is one of this aggregate's event types. */
  knows: (type: string) => boolean;
  /** The domain event of a stored row: type known, version upcast, data parsed. Throws `UndecodableEventError`. */
  decode: (recorded: StoredEventRow) => Event;
  /** What to store for `event`: its type, the current schema version and its data as JSON. */
  encode: (event: Event) => EncodedEvent;
}>;

export type EventCodecDefinition<Event extends EventShape> = Readonly<{
  aggregate: string;
  streamPrefix: string;
  /** The version `encode` writes; `upcasters` must lift every older one up to it. */
  schemaVersion: number;
  schemas: EventSchemas<Event>;
  /** `upcasters[v]` lifts data stored at version v to v + 1, for every v from 1 below `schemaVersion`. */
  upcasters?: Readonly<Record<number, Upcaster>>;
}>;

/**
 * @example
 * export const merchantCodec = defineEventCodec<MerchantEvent>({ aggregate: 'Merchant', streamPrefix: 'Merchant-', schemaVersion: 1, schemas });
 * const event = merchantCodec.decode(recorded); // MerchantEvent, or UndecodableEventError
 */
export function defineEventCodec<Event extends EventShape>(definition: EventCodecDefinition<Event>): EventCodec<Event> {
  const { aggregate, streamPrefix, schemaVersion, schemas } = definition;
  const upcasters = definition.upcasters ?? {};
  for (let version = 1; version < schemaVersion; version += 1) {
    if (upcasters[version] === undefined) throw new TypeError(`${aggregate} codec: no upcaster from version ${version}`);
  }
  const eventTypes = Object.keys(schemas) as Event['type'][];
  const schemaOf = new Map<string, z.ZodType>(eventTypes.map((type) => [type, schemas[type]]));
  const decode = (recorded: StoredEventRow): Event => {
    const parser = schemaOf.get(recorded.type);
    if (parser === undefined) throw new UndecodableEventError(recorded, `not a ${aggregate} event type`);
    if (!Number.isInteger(recorded.schemaVersion) || recorded.schemaVersion < 1 || recorded.schemaVersion > schemaVersion) {
      throw new UndecodableEventError(recorded, `unknown schema version (this code reads ${aggregate} events up to v${schemaVersion})`);
    }
    let data = recorded.data;
    for (let version = recorded.schemaVersion; version < schemaVersion; version += 1) {
      const upcast = upcasters[version];
      if (upcast === undefined) throw new UndecodableEventError(recorded, `no upcaster from v${version}`);
      data = upcast(recorded.type, data);
    }
    const parsed = parser.safeParse(data);
    if (!parsed.success) throw new UndecodableEventError(recorded, `payload refused: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}`);
    // `parser` is `schemas[recorded.type]`: the data of `Event`'s member of this type.
    return { type: recorded.type, data: parsed.data } as Event;
  };
  const encode = (event: Event): EncodedEvent => {
    if (!schemaOf.has(event.type)) throw new TypeError(`${aggregate} codec: cannot encode ${event.type}`);
    const problem = findJsonProblem(event.data);
    if (problem !== undefined) throw new TypeError(`event ${event.type} is not storable JSON: ${problem}`);
    // `findJsonProblem` just proved the data is plain JSON.
    return { type: event.type, schemaVersion, data: event.data as JsonObject };
  };
  const known = new Set<string>(eventTypes);
  return Object.freeze({
    aggregate,
    streamPrefix,
    schemaVersion,
    eventTypes: Object.freeze(eventTypes),
    owns: (stream: string) => stream.startsWith(streamPrefix),
    knows: (type: string) => known.has(type),
    decode,
    encode,
  });
}
