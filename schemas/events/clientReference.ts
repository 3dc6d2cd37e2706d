/**
 * Stored ClientReference events, schema version 1: the permanent reservation of a store's
 * `client_reference_id` for one intent, decided by domain/clientReference (written only by an
 * accepted create).
 */
import { z } from 'zod';
import { CLIENT_REFERENCE_STREAM_PREFIX, type ClientReferenceEvent, type ClientReferenceReserved } from '../../domain/clientReference/index.js';
import { defineEventCodec, type EventSchemas } from './codec.js';

export { CLIENT_REFERENCE_STREAM_PREFIX, type ClientReferenceEvent, type ClientReferenceReserved };

const schemas = {
  ClientReferenceReserved: z.object({ paymentIntentId: z.string(), scope: z.string(), key: z.string() }),
} satisfies EventSchemas<ClientReferenceEvent>;

export const clientReferenceCodec = defineEventCodec<ClientReferenceEvent>({
  aggregate: 'ClientReference',
  streamPrefix: CLIENT_REFERENCE_STREAM_PREFIX,
  schemaVersion: 1,
  schemas,
});
