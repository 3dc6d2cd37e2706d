import { Readable } from 'node:stream';
import {
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AppendResult,
  type EventStoreDBClient,
  type Filter,
  type Position,
  type ReadPosition,
  type ReadRevision,
} from '@eventstore/db-client';

/**
 * TEST DOUBLE, NOT EVENTSTOREDB: an in-memory stand-in for the few client calls the adapter
 * makes, written from the client's types and EventStoreDB's documented semantics (pinned
 * expectations, idempotent re-append at the same revision, `$all` reads inclusive of their start
 * position, subscriptions exclusive of it, server-side filters, `$`-prefixed system events
 * interleaved in `$all`). Passing the conformance suite against it checks the adapter's own
 * logic under that reading of the semantics — it says nothing about a real server.
 */
type Stored = { streamId: string; id: string; revision: bigint; type: string; data: unknown; metadata: unknown; position: Position };

export type FakeEventStoreDb = Readonly<{ client: EventStoreDBClient; events: () => number }>;

export function createFakeEventStoreDb(): FakeEventStoreDb {
  const all: Stored[] = [];
  const streams = new Map<string, Stored[]>();
  const subscribers = new Set<() => void>();
  let logPosition = 1_000n;

  const write = (streamId: string, revision: bigint, event: { id: string; type: string; data: unknown; metadata: unknown }): void => {
    logPosition += 37n + BigInt(all.length % 5);
    const stored = { streamId, revision, ...event, position: { commit: logPosition, prepare: logPosition } };
    all.push(stored);
    const list = streams.get(streamId) ?? [];
    list.push(stored);
    streams.set(streamId, list);
  };
  const systemEvent = (): void => {
    const list = streams.get('$stats-fake') ?? [];
    write('$stats-fake', BigInt(list.length), { id: crypto.randomUUID(), type: '$statsCollected', data: {}, metadata: {} });
  };
  systemEvent();

  const resolved = (stored: Stored): AllStreamResolvedEvent => ({
    event: { ...stored, isJson: true, created: new Date(), data: stored.data as Record<string, unknown>, metadata: stored.metadata as Record<string, unknown> },
    commitPosition: stored.position.commit,
  });

  const appendToStream = (
    streamId: string,
    events: readonly { id: string; type: string; data: unknown; metadata: unknown }[],
    options: { expectedRevision?: AppendExpectedRevision },
  ): Promise<AppendResult> => {
    const list = streams.get(streamId) ?? [];
    const current = list.length === 0 ? NO_STREAM : BigInt(list.length - 1);
    const expected = options.expectedRevision;
    if (expected === NO_STREAM || typeof expected === 'bigint') {
      const start = expected === NO_STREAM ? 0 : Number(expected) + 1;
      const already = events.every((event, index) => list[start + index]?.id === event.id);
      if (already && list.length >= start + events.length) {
        return Promise.resolve({ success: true, nextExpectedRevision: BigInt(start + events.length - 1) });
      }
      if (expected !== current) return Promise.reject(new WrongExpectedVersionError(undefined, { streamName: streamId, expected, current }));
    }
    const base = list.length;
    events.forEach((event, index) => {
      write(streamId, BigInt(base + index), event);
    });
    if (all.length % 7 === 0) systemEvent();
    const last = all.at(-1);
    subscribers.forEach((wake) => {
      wake();
    });
    return Promise.resolve({ success: true, nextExpectedRevision: BigInt((streams.get(streamId)?.length ?? 1) - 1), ...(last === undefined ? {} : { position: last.position }) });
  };

  const readStream = (streamId: string, options: { direction?: string; fromRevision?: ReadRevision; maxCount?: number | bigint }) => {
    const list = streams.get(streamId);
    const backwards = options.direction === BACKWARDS;
    const count = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    return (async function* () {
      await Promise.resolve();
      if (list === undefined) throw new StreamNotFoundError(undefined, streamId);
      const from =
        options.fromRevision === undefined || options.fromRevision === START
          ? backwards
            ? list.length - 1
            : 0
          : options.fromRevision === END
            ? list.length - 1
            : Number(options.fromRevision);
      const picked = backwards
        ? list
            .slice(0, Math.min(from, list.length - 1) + 1)
            .reverse()
            .slice(0, count)
        : list.slice(from, from + count);
      for (const stored of picked) yield resolved(stored);
    })();
  };

  const indexOf = (position: ReadPosition | undefined, backwards: boolean): number => {
    if (position === undefined || position === START) return backwards ? -1 : 0;
    if (position === END) return backwards ? all.length - 1 : all.length;
    const index = all.findIndex((stored) => stored.position.commit >= position.commit);
    if (index === -1) return backwards ? all.length - 1 : all.length;
    return backwards && all[index]?.position.commit !== position.commit ? index - 1 : index;
  };

  const readAll = (options: { direction?: string; fromPosition?: ReadPosition; maxCount?: number | bigint }) => {
    const backwards = options.direction === BACKWARDS;
    const count = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const start = indexOf(options.fromPosition, backwards);
    const picked = backwards
      ? all
          .slice(0, start + 1)
          .reverse()
          .slice(0, count)
      : all.slice(start, start + count);
    return Readable.from(picked.map(resolved));
  };

  const passes = (stored: Stored, filter: Filter | undefined): boolean => {
    if (filter === undefined) return true;
    const subject = filter.filterOn === 'streamName' ? stored.streamId : stored.type;
    if ('prefixes' in filter) return filter.prefixes.some((prefix) => subject.startsWith(prefix));
    return new RegExp(filter.regex).test(subject);
  };

  const subscribeToAll = (options: { fromPosition?: ReadPosition; filter?: Filter }) => {
    let next = options.fromPosition === undefined || options.fromPosition === START ? 0 : indexOf(options.fromPosition, false);
    if (typeof options.fromPosition === 'object' && all[next]?.position.commit === options.fromPosition.commit) next += 1;
    const stream = new Readable({ objectMode: true, read: () => undefined });
    const pump = (): void => {
      while (next < all.length) {
        const stored = all[next];
        next += 1;
        if (stored !== undefined && passes(stored, options.filter)) stream.push(resolved(stored));
      }
    };
    subscribers.add(pump);
    setImmediate(pump);
    return Object.assign(stream, {
      unsubscribe: () => {
        subscribers.delete(pump);
        stream.push(null);
        return Promise.resolve();
      },
    });
  };

  const client = { appendToStream, readStream, readAll, subscribeToAll, dispose: () => Promise.resolve() };
  return { client: client as unknown as EventStoreDBClient, events: () => all.length };
}
