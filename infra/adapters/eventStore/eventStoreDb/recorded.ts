import type { Position } from '@eventstore/db-client';
import type { EventFilter, JsonObject, RecordedEvent } from '../../../../domain/eventStore/index.js';
import { decodeEnvelope } from './envelope.js';
import { toLogPosition } from './positions.js';

/** The fields of the client's recorded event this adapter reads (JSON and binary events alike). */
export type ClientRecordedEvent = Readonly<{
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: unknown;
  isJson: boolean;
  position?: Position | undefined;
}>;

/** System streams and system events (`$`-prefixed) are EventStoreDB's own, never the ledger's. */
export function isSystemEvent(event: Pick<ClientRecordedEvent, 'streamId' | 'type'>): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

/**
 * The port's event for a stored one, or undefined for anything the ledger did not write: system
 * events, events without this adapter's metadata envelope, binary or non-object data. The hash
 * is carried as written; verifyStream / verifyLog recompute and compare it.
 */
export function toRecordedEvent(event: ClientRecordedEvent): RecordedEvent | undefined {
  return toStoredEvent(event)?.recorded;
}

/** The port's event and the id of the append call that wrote it (see Envelope.appendId). */
export type StoredEvent = Readonly<{ recorded: RecordedEvent; appendId: string }>;

export function toStoredEvent(event: ClientRecordedEvent): StoredEvent | undefined {
  if (isSystemEvent(event) || !event.isJson || event.position === undefined) return undefined;
  const envelope = decodeEnvelope(event.metadata);
  if (envelope === undefined || !isJsonObject(event.data)) return undefined;
  const revision = Number(event.revision);
  if (!Number.isSafeInteger(revision)) return undefined;
  const recorded: RecordedEvent = {
    id: event.id,
    stream: event.streamId,
    revision,
    position: toLogPosition(event.position),
    type: event.type,
    schemaVersion: envelope.schemaVersion,
    data: event.data,
    metadata: envelope.metadata,
    recordedAt: envelope.recordedAt,
    prevHash: envelope.prevHash,
    hash: envelope.hash,
  };
  return { recorded, appendId: envelope.appendId };
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The port's filter: an event passes when it matches ANY listed type or ANY listed prefix. */
export function matchesFilter(event: Pick<RecordedEvent, 'stream' | 'type'>, filter: EventFilter | undefined): boolean {
  const types = filter?.eventTypes ?? [];
  const prefixes = filter?.streamPrefixes ?? [];
  if (types.length === 0 && prefixes.length === 0) return true;
  return types.includes(event.type) || prefixes.some((prefix) => event.stream.startsWith(prefix));
}
