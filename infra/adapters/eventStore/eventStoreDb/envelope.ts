import { z } from 'zod';
import type { EventMetadata } from '../../../../domain/eventStore/index.js';

/** Version tag of the metadata envelope this adapter writes on every event. */
export const ENVELOPE_VERSION = 1;

const HEX_64 = /^[0-9a-f]{64}$/;
const ISO_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const metadataSchema = z
  .object({
    correlationId: z.string(),
    causationId: z.string(),
    traceparent: z.string(),
    actor: z.string(),
    idempotencyKey: z.string(),
  })
  .partial()
  .strip();

const envelopeSchema = z.object({
  mpac: z.literal(ENVELOPE_VERSION),
  schemaVersion: z.number().int().min(1),
  recordedAt: z.string().regex(ISO_MILLIS),
  prevHash: z.string().regex(HEX_64),
  hash: z.string().regex(HEX_64),
  /** Random per append call: tells a fresh write from an idempotent answer to someone else's. */
  appendId: z.string().min(1).max(64),
  metadata: metadataSchema,
});

/**
 * What the ledger keeps beside an event's data in EventStoreDB's metadata JSON: the schema
 * version, the writer's `recordedAt`, the hash-chain link, and the port's metadata. The hash
 * covers the port metadata (canonicalEventText), not the envelope's other fields.
 */
export type Envelope = Readonly<{
  schemaVersion: number;
  recordedAt: string;
  prevHash: string;
  hash: string;
  appendId: string;
  metadata: EventMetadata;
}>;

export type EncodedEnvelope = Readonly<Record<string, unknown>>;

/**
 * The metadata JSON written with an event. `$correlationId` / `$causationId` are EventStoreDB's
 * own names, so its `$by_correlation_id` projection works; decoding ignores them.
 */
export function encodeEnvelope(envelope: Envelope): EncodedEnvelope {
  const { correlationId, causationId } = envelope.metadata;
  return {
    mpac: ENVELOPE_VERSION,
    schemaVersion: envelope.schemaVersion,
    recordedAt: envelope.recordedAt,
    prevHash: envelope.prevHash,
    hash: envelope.hash,
    appendId: envelope.appendId,
    metadata: { ...envelope.metadata },
    ...(correlationId === undefined ? {} : { $correlationId: correlationId }),
    ...(causationId === undefined ? {} : { $causationId: causationId }),
  };
}

/** The envelope of a stored event, or undefined when it is not one this adapter wrote. */
export function decodeEnvelope(stored: unknown): Envelope | undefined {
  const parsed = envelopeSchema.safeParse(stored);
  if (!parsed.success) return undefined;
  const { schemaVersion, recordedAt, prevHash, hash, appendId, metadata } = parsed.data;
  return { schemaVersion, recordedAt, prevHash, hash, appendId, metadata: knownMetadata(metadata) };
}

const METADATA_KEYS = ['correlationId', 'causationId', 'traceparent', 'actor', 'idempotencyKey'] as const;

/** The port's metadata fields of a decoded record, without the absent ones. */
export function knownMetadata(stored: Readonly<Record<string, unknown>>): EventMetadata {
  const kept: { -readonly [K in keyof EventMetadata]: string } = {};
  for (const key of METADATA_KEYS) {
    const value = stored[key];
    if (typeof value === 'string') kept[key] = value;
  }
  return kept;
}
