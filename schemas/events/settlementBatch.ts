/**
 * Stored SettlementBatch events, schema version 1 (domain/settlement/settlementBatch.ts). The type
 * test fails typecheck when the domain type and its schema drift apart.
 */
import { z } from 'zod';
import type { SettlementBatchEvent } from '../../domain/settlement/index.js';
import { SETTLEMENT_BATCH_STREAM_PREFIX } from '../../domain/settlement/index.js';
import { defineEventCodec, type AllAgree, type Agrees, type DataOf, type EventSchemas } from './codec.js';
import { providerCodeSchema } from './tenancy.js';

const schemas = {
  SettlementBatchClosed: z.object({
    batchId: z.string(),
    clientPartnerId: z.string(),
    merchantId: z.string(),
    provider: providerCodeSchema,
    businessDate: z.string(),
    closedAt: z.string(),
  }),
} satisfies EventSchemas<SettlementBatchEvent>;

/** Type test: each schema's output is exactly its event's data. */
export type SettlementBatchSchemasAgree = AllAgree<{
  [T in SettlementBatchEvent['type']]: Agrees<z.output<(typeof schemas)[T]>, DataOf<SettlementBatchEvent, T>>;
}>;

export const settlementBatchCodec = defineEventCodec<SettlementBatchEvent>({
  aggregate: 'SettlementBatch',
  streamPrefix: SETTLEMENT_BATCH_STREAM_PREFIX,
  schemaVersion: 1,
  schemas,
});
