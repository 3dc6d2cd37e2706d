/**
 * Stored ClientReference events, schema version 1: the permanent reservation of a store's
 * `client_reference_id` for one intent (command/paymentIntent/reserveClientReference.ts writes it).
 * The event type lives here until the reservation becomes a decider of its own (issue 8 item 3).
 */
import { z } from 'zod';
import { defineEventCodec, type EventSchemas } from './codec.js';

export const CLIENT_REFERENCE_STREAM_PREFIX = 'ClientReference-';

export type ClientReferenceReserved = Readonly<{
  type: 'ClientReferenceReserved';
  data: Readonly<{ paymentIntentId: string; scope: string; key: string }>;
}>;
export type ClientReferenceEvent = ClientReferenceReserved;

const schemas = {
  ClientReferenceReserved: z.object({ paymentIntentId: z.string(), scope: z.string(), key: z.string() }),
} satisfies EventSchemas<ClientReferenceEvent>;

export const clientReferenceCodec = defineEventCodec<ClientReferenceEvent>({
  aggregate: 'ClientReference',
  streamPrefix: CLIENT_REFERENCE_STREAM_PREFIX,
  schemaVersion: 1,
  schemas,
});
