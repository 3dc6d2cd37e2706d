/**
 * Tenancy identifiers: a type prefix plus a ULID body (26 characters of Crockford base32, the first
 * one 0–7 so the 128-bit value does not overflow). Ids are generated OUTSIDE the domain (the client
 * or the command handler); here they are only validated and turned into stream names.
 *
 * Each id is a branded string, so a `StoreId` cannot be passed where a `MerchantId` is expected. The
 * only way to obtain one is a `parse…` function (or the matching type guard).
 */
import { TenancyError } from './errors.js';
import type { ProviderCode } from './providerCode.js';

declare const brand: unique symbol;
type Branded<T extends string> = string & { readonly [brand]: T };

export type ClientPartnerId = Branded<'ClientPartnerId'>;
export type MerchantId = Branded<'MerchantId'>;
export type StoreId = Branded<'StoreId'>;
export type StoreProviderConfigId = Branded<'StoreProviderConfigId'>;
export type TerminalId = Branded<'TerminalId'>;

const ULID_BODY = '[0-7][0-9A-HJKMNP-TV-Z]{25}';
const clientPartnerIdPattern = new RegExp(`^cp_${ULID_BODY}$`);
const merchantIdPattern = new RegExp(`^mer_${ULID_BODY}$`);
const storeIdPattern = new RegExp(`^str_${ULID_BODY}$`);
const storeProviderConfigIdPattern = new RegExp(`^spc_${ULID_BODY}$`);
const terminalIdPattern = new RegExp(`^trm_${ULID_BODY}$`);

export const isClientPartnerId = (value: string): value is ClientPartnerId => clientPartnerIdPattern.test(value);
export const isMerchantId = (value: string): value is MerchantId => merchantIdPattern.test(value);
export const isStoreId = (value: string): value is StoreId => storeIdPattern.test(value);
export const isStoreProviderConfigId = (value: string): value is StoreProviderConfigId => storeProviderConfigIdPattern.test(value);
export const isTerminalId = (value: string): value is TerminalId => terminalIdPattern.test(value);

function parseWith<T extends string>(guard: (value: string) => value is T, kind: string, prefix: string) {
  return (value: string): T => {
    if (guard(value)) return value;
    throw new TenancyError('tenancy.invalid_id', `A ${kind} id is "${prefix}" followed by a 26-character ULID.`);
  };
}

/** @example parseClientPartnerId('cp_01HZY3J5K6M7N8P9QRSTVWXYZ0') */
export const parseClientPartnerId = parseWith(isClientPartnerId, 'client partner', 'cp_');
/** @example parseMerchantId('mer_01HZY3J5K6M7N8P9QRSTVWXYZ0') */
export const parseMerchantId = parseWith(isMerchantId, 'merchant', 'mer_');
/** @example parseStoreId('str_01HZY3J5K6M7N8P9QRSTVWXYZ0') */
export const parseStoreId = parseWith(isStoreId, 'store', 'str_');
/** @example parseStoreProviderConfigId('spc_01HZY3J5K6M7N8P9QRSTVWXYZ0') */
export const parseStoreProviderConfigId = parseWith(isStoreProviderConfigId, 'store provider config', 'spc_');
/** @example parseTerminalId('trm_01HZY3J5K6M7N8P9QRSTVWXYZ0') */
export const parseTerminalId = parseWith(isTerminalId, 'terminal', 'trm_');

/** Stream-name prefixes of the tenancy aggregates: the one definition (stream names, codecs, filters). */
export const CLIENT_PARTNER_STREAM_PREFIX = 'ClientPartner-';
export const MERCHANT_STREAM_PREFIX = 'Merchant-';
export const STORE_STREAM_PREFIX = 'Store-';
export const STORE_PROVIDER_CONFIG_STREAM_PREFIX = 'StoreProviderConfig-';
export const TERMINAL_STREAM_PREFIX = 'Terminal-';

/** @example toClientPartnerStreamName(id) === 'ClientPartner-cp_01HZY3J5K6M7N8P9QRSTVWXYZ0' */
export const toClientPartnerStreamName = (id: ClientPartnerId): string => `${CLIENT_PARTNER_STREAM_PREFIX}${id}`;
/** @example toMerchantStreamName(id) === 'Merchant-mer_01HZY3J5K6M7N8P9QRSTVWXYZ0' */
export const toMerchantStreamName = (id: MerchantId): string => `${MERCHANT_STREAM_PREFIX}${id}`;
/** @example toStoreStreamName(id) === 'Store-str_01HZY3J5K6M7N8P9QRSTVWXYZ0' */
export const toStoreStreamName = (id: StoreId): string => `${STORE_STREAM_PREFIX}${id}`;
/** @example toTerminalStreamName(id) === 'Terminal-trm_01HZY3J5K6M7N8P9QRSTVWXYZ0' */
export const toTerminalStreamName = (id: TerminalId): string => `${TERMINAL_STREAM_PREFIX}${id}`;

/**
 * A store has at most one configuration per provider. The stream is therefore named after the pair
 * (store, provider), not after the `spc_` id: appending `StoreProviderConfigured` with expected
 * revision `no_stream` then makes that uniqueness atomic, with no read model involved. The `spc_` id
 * is recorded in the first event as the configuration's public id.
 *
 * @example toStoreProviderConfigStreamName(storeId, 'paypay') === 'StoreProviderConfig-str_01HZY…-paypay'
 */
export const toStoreProviderConfigStreamName = (storeId: StoreId, providerCode: ProviderCode): string => `${STORE_PROVIDER_CONFIG_STREAM_PREFIX}${storeId}-${providerCode}`;
