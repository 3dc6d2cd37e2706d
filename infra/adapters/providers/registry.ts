/**
 * The QR provider registry (domain/providers): the adapter for a store and provider, built from the
 * store's StoreProviderConfig stream (decoded by its codec) with credentials opened by the credential
 * cipher only here, and cached per configuration and ciphertext (a rotation builds a new one).
 * Disabled, not configured, credentials that do not open, no base URL or an unknown provider →
 * `ProviderUnavailable` (the reactor retries later).
 */
import type { EventStore } from '../../../domain/eventStore/index.js';
import type { EncryptedCredentials } from '../../../domain/tenancy/index.js';
import type { QrProvider, QrProviderRegistry } from '../../../domain/providers/index.js';
import { evolveAll, isProviderCode, isStoreId, storeProviderConfigDecider, toStoreProviderConfigStreamName } from '../../../domain/tenancy/index.js';
import { STREAM_EVENTS_MAX, eventCodecOf } from '../../../schemas/events/registry.js';
import { createPaypayAdapter } from './paypay/paypayAdapter.js';
import { PAYPAY_TIMEOUTS_MS, type PaypayOperation } from './paypay/paypayClient.js';

export type ProviderTimeouts = Readonly<Partial<Record<PaypayOperation, number>>>;

export type ProviderRegistryOptions = Readonly<{
  store: EventStore;
  cipher: Readonly<{ open: (sealed: EncryptedCredentials, context: string) => Promise<Record<string, string>> }>;
  /** Base URL per provider code; a provider without one is unavailable. */
  endpoints: Readonly<Partial<Record<string, string>>>;
  timeoutsMs?: ProviderTimeouts;
}>;

export function createProviderRegistry(options: ProviderRegistryOptions): QrProviderRegistry {
  const adapters = new Map<string, QrProvider>();
  const codec = eventCodecOf(storeProviderConfigDecider);
  const timeoutsMs = { ...PAYPAY_TIMEOUTS_MS, ...options.timeoutsMs };
  return {
    forStore: async (storeId, provider) => {
      if (!isStoreId(storeId) || !isProviderCode(provider)) return { available: false, reason: 'unsupported_provider', detail: `${provider} at ${storeId}` };
      const recorded = await options.store.readStream(toStoreProviderConfigStreamName(storeId, provider), { maxCount: STREAM_EVENTS_MAX });
      const state = evolveAll(storeProviderConfigDecider, recorded.map(codec.decode));
      if (state.status === 'not_configured') return { available: false, reason: 'not_configured', detail: `${provider} is not configured at ${storeId}` };
      if (state.status === 'disabled') return { available: false, reason: 'disabled', detail: `${provider} is disabled at ${storeId}` };
      const baseUrl = options.endpoints[provider];
      if (provider !== 'paypay' || baseUrl === undefined) return { available: false, reason: 'not_configured', detail: `no API base URL for ${provider} (LEDGER_PAYPAY_BASE_URL)` };
      const cacheKey = `${state.storeProviderConfigId}|${state.credentials.ciphertext}`;
      const cached = adapters.get(cacheKey);
      if (cached !== undefined) return { available: true, provider: cached };
      let credentials: Record<string, string>;
      try {
        credentials = await options.cipher.open(state.credentials, state.storeProviderConfigId);
      } catch (error) {
        return { available: false, reason: 'credentials_unreadable', detail: error instanceof Error ? error.message : String(error) };
      }
      const { api_key: apiKey, api_secret: apiSecret, merchant_id: merchantId } = credentials;
      if (apiKey === undefined || apiSecret === undefined) return { available: false, reason: 'credentials_unreadable', detail: 'PayPay credentials need api_key and api_secret' };
      const adapter = createPaypayAdapter({ baseUrl, credentials: { apiKey, apiSecret, merchantId }, timeoutsMs });
      adapters.set(cacheKey, adapter);
      return { available: true, provider: adapter };
    },
  };
}
