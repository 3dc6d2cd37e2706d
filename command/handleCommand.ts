import type { EventMetadata, NewEvent, RecordedEvent, StreamRevision } from '../domain/eventStore/index.js';
import { WrongExpectedVersionError } from '../domain/eventStore/index.js';
import type { IdempotencyCompletion, StoredResponse } from '../domain/idempotency/index.js';
import type { Decider } from '../domain/shared/index.js';
import type { EventCodec, EventShape } from '../schemas/events/index.js';
import type { CommandContext } from './commandContext.js';
import { STREAM_EVENTS_MAX, eventCodecOf } from '../schemas/events/registry.js';
import { trace } from '@opentelemetry/api';

/** A domain event as deciders produce it: a `type` and plain data. */
export type DomainEventShape = EventShape;

export { STREAM_EVENTS_MAX };

/** Another writer kept winning the race for this stream; nothing was written. */
export class ConcurrencyConflictError extends Error {
  override readonly name = 'ConcurrencyConflictError';
  constructor(readonly stream: string) {
    super(`stream ${stream} kept changing; try again`);
  }
}

/** The stream holds more events than an aggregate may. (An event we cannot read is an `UndecodableEventError`.) */
export class StreamTooLongError extends Error {
  override readonly name = 'StreamTooLongError';
}

export type Loaded<State> = Readonly<{ state: State; revision: number; events: readonly RecordedEvent[] }>;

/**
 * Reads a whole stream (bounded) and folds it, decoding every stored event through the decider's
 * codec (`UndecodableEventError` for one it cannot read: an unknown type or version, a malformed
 * payload — answered 500 `stored_event_undecodable`, nothing appended).
 */
export async function loadAggregate<Command, Event extends DomainEventShape, State>(
  context: CommandContext,
  aggregate: Decider<Command, Event, State>,
  stream: string,
): Promise<Loaded<State>> {
  const events = await context.store.readStream(stream, { maxCount: STREAM_EVENTS_MAX + 1 });
  if (events.length > STREAM_EVENTS_MAX) throw new StreamTooLongError(`stream ${stream} has more than ${STREAM_EVENTS_MAX} events`);
  const codec = eventCodecOf(aggregate);
  const state = events.reduce((current, recorded) => aggregate.evolve(current, codec.decode(recorded)), aggregate.initialState());
  return { state, revision: events.length - 1, events };
}

/**
 * Brings a fold up to date (after a conflict): reads and decodes only the events after
 * `previous.revision` and folds them onto its state — events never change, so this equals folding
 * the whole stream again.
 */
export async function catchUpAggregate<Command, Event extends DomainEventShape, State>(
  context: CommandContext,
  aggregate: Decider<Command, Event, State>,
  stream: string,
  previous: Loaded<State>,
): Promise<Loaded<State>> {
  const fromRevision = previous.revision + 1;
  const newer = await context.store.readStream(stream, { fromRevision, maxCount: STREAM_EVENTS_MAX + 1 - fromRevision });
  if (fromRevision + newer.length > STREAM_EVENTS_MAX) throw new StreamTooLongError(`stream ${stream} has more than ${STREAM_EVENTS_MAX} events`);
  const codec = eventCodecOf(aggregate);
  const state = newer.reduce((current, recorded) => aggregate.evolve(current, codec.decode(recorded)), previous.state);
  return { state, revision: previous.revision + newer.length, events: [...previous.events, ...newer] };
}

export type ExecuteCommand<Command, Event extends DomainEventShape, State> = Readonly<{
  aggregate: Decider<Command, Event, State>;
  stream: string;
  /** Builds the command from the current state (called again after a conflict). */
  command: (state: State) => Command;
  /** The response for the state after the decision (and the events it decided). */
  respond: (state: State, decided: readonly Event[]) => StoredResponse;
  metadata: EventMetadata;
  /** Completed atomically with the appended events. */
  idempotency?: Omit<IdempotencyCompletion, 'response'>;
  /** Checked on every load, before deciding: e.g. the caller may not see this stream. */
  guard?: (state: State) => void;
  /**
   * Runs after a decision that has events, before their append (again after a conflict): writes
   * what the decision depends on in another stream (a create's client-reference reservation). A
   * refused decision never gets here, so it writes nothing; a refusal thrown here stops the append.
   */
  beforeAppend?: () => Promise<void>;
  /**
   * Other streams the command was decided on, at the revisions read (the tenancy of a create):
   * the append commits only if they are unchanged. A moved one is not retried here — the command
   * was built from it — but thrown (`WrongExpectedVersionError` naming it) for the caller to re-decide.
   */
  consistentWith?: readonly StreamRevision[];
  /**
   * The stream is new (an id just drawn): the first attempt decides on the initial state without
   * reading it, and its `no_stream` append is refused if the stream exists after all; the retry reads.
   */
  newStream?: boolean;
}>;

export type CommandOutcome = Readonly<{ response: StoredResponse; appended: number }>;

/**
 * Load → decide → append with the expected revision, retried (bounded) when another writer got
 * there first — the retry reads only the events appended since. A `DomainError` from `decide`
 * propagates (the caller maps and stores it).
 */
export async function executeCommand<Command, Event extends DomainEventShape, State>(
  context: CommandContext,
  request: ExecuteCommand<Command, Event, State>,
): Promise<CommandOutcome> {
  let previous: Loaded<State> | undefined;
  for (let attempt = 0; attempt <= context.conflictRetriesMax; attempt += 1) {
    const { loaded, decided } = await loadAndDecide(context, request, attempt, previous);
    previous = loaded;
    const after = decided.reduce((state, event) => request.aggregate.evolve(state, event), loaded.state);
    const response = request.respond(after, decided);
    if (decided.length === 0) return { response, appended: 0 };
    await request.beforeAppend?.();
    const codec = eventCodecOf(request.aggregate);
    const events = decided.map((event) => toNewEvent(context, codec, event, request.metadata));
    const expected = loaded.revision < 0 ? ({ kind: 'no_stream' } as const) : ({ kind: 'exact', revision: loaded.revision } as const);
    const options = {
      ...(request.idempotency === undefined ? {} : { idempotency: { ...request.idempotency, response } }),
      ...(request.consistentWith === undefined ? {} : { consistentWith: request.consistentWith }),
    };
    try {
      await context.store.append(request.stream, events, expected, options);
      return { response, appended: events.length };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || error.stream !== request.stream) throw error;
    }
  }
  throw new ConcurrencyConflictError(request.stream);
}

/** Load and decide, in a `decide` span (the append that follows has its own span in the store). */
function loadAndDecide<Command, Event extends DomainEventShape, State>(
  context: CommandContext,
  request: ExecuteCommand<Command, Event, State>,
  attempt: number,
  previous: Loaded<State> | undefined,
): Promise<Readonly<{ loaded: Loaded<State>; decided: readonly Event[] }>> {
  return trace.getTracer('mpac-ledger').startActiveSpan('decide', { attributes: { 'ledger.stream': request.stream, 'ledger.command.attempt': attempt } }, async (span) => {
    try {
      const loaded =
        previous !== undefined
          ? await catchUpAggregate(context, request.aggregate, request.stream, previous)
          : request.newStream === true
            ? { state: request.aggregate.initialState(), revision: -1, events: [] }
            : await loadAggregate(context, request.aggregate, request.stream);
      request.guard?.(loaded.state);
      const decided = request.aggregate.decide(request.command(loaded.state), loaded.state);
      span.setAttributes({ 'ledger.stream.revision': loaded.revision, 'ledger.command.events_decided': decided.length });
      return { loaded, decided };
    } finally {
      span.end();
    }
  });
}

function toNewEvent<Event extends DomainEventShape>(context: CommandContext, codec: EventCodec<Event>, event: Event, metadata: EventMetadata): NewEvent {
  return { id: context.newUuid(), ...codec.encode(event), metadata };
}
