/**
 * Stored tenancy events, schema version 1: one codec per tenancy aggregate (ClientPartner,
 * Merchant, Store, StoreProviderConfig, Terminal), each schema derived from the event types in
 * domain/tenancy/*.ts. The type tests fail typecheck when a domain type and its schema drift apart.
 * Ids decode to the domain's branded ids.
 */
import { z } from 'zod';
import type {
  ClientPartnerEvent,
  ClientPartnerId,
  MerchantEvent,
  MerchantId,
  StoreId,
  StoreProviderConfigId,
  TerminalId,
  ProviderCode,
  StoreEvent,
  StoreProviderConfigEvent,
  TerminalEvent,
} from '../../domain/tenancy/index.js';
import {
  CLIENT_PARTNER_STREAM_PREFIX,
  MERCHANT_STREAM_PREFIX,
  STORE_PROVIDER_CONFIG_STREAM_PREFIX,
  STORE_STREAM_PREFIX,
  TERMINAL_STREAM_PREFIX,
  terminalModels,
} from '../../domain/tenancy/index.js';
import { defineEventCodec, type AllAgree, type Agrees, type DataOf, type EventSchemas } from './codec.js';

/**
 * A stored id: a non-empty string, typed as the domain's branded id. Its format was checked by the
 * `parse…` function before the event was decided; decoding does not re-check it.
 */
const storedId = <Id extends string>(kind: string) => z.custom<Id>((value) => typeof value === 'string' && value.length > 0, { message: `not a ${kind} id` });

const clientPartnerId = storedId<ClientPartnerId>('client partner');
const merchantId = storedId<MerchantId>('merchant');
const storeId = storedId<StoreId>('store');
const storeProviderConfigId = storedId<StoreProviderConfigId>('store provider config');
const terminalId = storedId<TerminalId>('terminal');
const instant = z.string();

const clientPartnerSchemas = {
  ClientPartnerRegistered: z.object({ clientPartnerId, name: z.string(), hmacKeyId: z.string(), secretSha256Hex: z.string(), registeredAt: instant }),
  ClientPartnerSecretRotated: z.object({ clientPartnerId, hmacKeyId: z.string(), secretSha256Hex: z.string(), rotatedAt: instant }),
  ClientPartnerSuspended: z.object({ clientPartnerId, reason: z.string(), suspendedAt: instant }),
  ClientPartnerReactivated: z.object({ clientPartnerId, reactivatedAt: instant }),
} satisfies EventSchemas<ClientPartnerEvent>;

const merchantSchemas = {
  MerchantOnboarded: z.object({ merchantId, clientPartnerId, legalName: z.string(), displayName: z.string(), onboardedAt: instant }),
  MerchantRenamed: z.object({ merchantId, legalName: z.string(), displayName: z.string(), renamedAt: instant }),
  MerchantSuspended: z.object({ merchantId, reason: z.string(), suspendedAt: instant }),
  MerchantReactivated: z.object({ merchantId, reactivatedAt: instant }),
  MerchantClosed: z.object({ merchantId, reason: z.string(), closedAt: instant }),
} satisfies EventSchemas<MerchantEvent>;

const storeSchemas = {
  StoreOpened: z.object({
    storeId,
    merchantId,
    name: z.string(),
    timeZone: z.string(),
    cutoffMinutes: z.number().int(),
    firstBusinessDate: z.string(),
    openedAt: instant,
  }),
  StoreBusinessDayChanged: z.object({ storeId, timeZone: z.string(), cutoffMinutes: z.number().int(), effectiveFromBusinessDate: z.string(), changedAt: instant }),
  StoreClosed: z.object({ storeId, reason: z.string(), closedAt: instant }),
} satisfies EventSchemas<StoreEvent>;

export const providerCodeSchema = z.enum(['paypay', 'rakuten_pay', 'd_barai', 'au_pay', 'merpay', 'card'] satisfies ProviderCode[]);
const fees = z.object({ feeRatePpm: z.number().int().min(0), fixedFeeMinor: z.number().int().min(0), currency: z.string() });
const credentials = z.object({ ciphertext: z.string(), encryptionKeyId: z.string() });

const storeProviderConfigSchemas = {
  StoreProviderConfigured: z.object({ storeProviderConfigId, storeId, providerCode: providerCodeSchema, fees, credentials, configuredAt: instant }),
  StoreProviderConfigFeesUpdated: z.object({ storeProviderConfigId, fees, updatedAt: instant }),
  StoreProviderConfigCredentialsRotated: z.object({ storeProviderConfigId, credentials, rotatedAt: instant }),
  StoreProviderConfigDisabled: z.object({ storeProviderConfigId, reason: z.string(), disabledAt: instant }),
  StoreProviderConfigEnabled: z.object({ storeProviderConfigId, enabledAt: instant }),
} satisfies EventSchemas<StoreProviderConfigEvent>;

const terminalSchemas = {
  TerminalRegistered: z.object({
    terminalId,
    deviceUuid: z.string(),
    publicKey: z.string(),
    model: z.enum(terminalModels),
    storeId,
    merchantId,
    registeredAt: instant,
  }),
  TerminalMoved: z.object({ terminalId, fromStoreId: storeId, toStoreId: storeId, movedAt: instant }),
  TerminalDeactivated: z.object({ terminalId, reason: z.string(), deactivatedAt: instant }),
  TerminalReactivated: z.object({ terminalId, reactivatedAt: instant }),
} satisfies EventSchemas<TerminalEvent>;

type Checks<Event extends { type: string; data: object }, Schemas extends Readonly<Record<Event['type'], z.ZodType>>> = {
  [T in Event['type']]: Agrees<z.output<Schemas[T]>, DataOf<Event, T>>;
};
/** Type tests: each schema's output is exactly its event's data (a drift fails typecheck). */
export type TenancySchemasAgree = [
  AllAgree<Checks<ClientPartnerEvent, typeof clientPartnerSchemas>>,
  AllAgree<Checks<MerchantEvent, typeof merchantSchemas>>,
  AllAgree<Checks<StoreEvent, typeof storeSchemas>>,
  AllAgree<Checks<StoreProviderConfigEvent, typeof storeProviderConfigSchemas>>,
  AllAgree<Checks<TerminalEvent, typeof terminalSchemas>>,
];

export const clientPartnerCodec = defineEventCodec<ClientPartnerEvent>({
  aggregate: 'ClientPartner',
  streamPrefix: CLIENT_PARTNER_STREAM_PREFIX,
  schemaVersion: 1,
  schemas: clientPartnerSchemas,
});
export const merchantCodec = defineEventCodec<MerchantEvent>({ aggregate: 'Merchant', streamPrefix: MERCHANT_STREAM_PREFIX, schemaVersion: 1, schemas: merchantSchemas });
export const storeCodec = defineEventCodec<StoreEvent>({ aggregate: 'Store', streamPrefix: STORE_STREAM_PREFIX, schemaVersion: 1, schemas: storeSchemas });
export const storeProviderConfigCodec = defineEventCodec<StoreProviderConfigEvent>({
  aggregate: 'StoreProviderConfig',
  streamPrefix: STORE_PROVIDER_CONFIG_STREAM_PREFIX,
  schemaVersion: 1,
  schemas: storeProviderConfigSchemas,
});
export const terminalCodec = defineEventCodec<TerminalEvent>({ aggregate: 'Terminal', streamPrefix: TERMINAL_STREAM_PREFIX, schemaVersion: 1, schemas: terminalSchemas });
