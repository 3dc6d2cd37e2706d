/**
 * The public resources of tenancy administration (snake_case). A provider configuration shows that
 * credentials are configured and under which key, never the ciphertext and never the plaintext.
 */
import { assert } from '../../domain/shared/index.js';
import {
  type ConfiguredStoreProviderConfig,
  type ExistingStore,
  type MerchantState,
  type OnboardedMerchant,
  type RegisteredTerminal,
  type StoreProviderConfigState,
  type StoreState,
  type TerminalState,
} from '../../domain/tenancy/index.js';
import { settingsOn, storeBusinessDate } from '../../domain/businessDay/index.js';
import type { MerchantResource, StoreProviderConfigResource, StoreResource, TerminalResource } from '../../schemas/tenancy.js';

/** @example reply.send(renderMerchant(merchantState)) // { id: 'mer_…', object: 'merchant', … } */
export function renderMerchant(merchant: OnboardedMerchant): MerchantResource {
  return {
    id: merchant.merchantId,
    object: 'merchant',
    client_partner_id: merchant.clientPartnerId,
    legal_name: merchant.legalName,
    display_name: merchant.displayName,
    status: merchant.status,
    onboarded_at: merchant.onboardedAt,
  };
}

/** @example renderStoreProviderConfig(config) // { id: 'spc_…', credentials_configured: true, encryption_key_id: 'env:…', … } */
export function renderStoreProviderConfig(config: ConfiguredStoreProviderConfig): StoreProviderConfigResource {
  return {
    id: config.storeProviderConfigId,
    object: 'store_provider_config',
    store_id: config.storeId,
    provider_code: config.providerCode,
    status: config.status,
    fee_rate_ppm: config.fees.feeRatePpm,
    fixed_fee_minor: config.fees.fixedFeeMinor,
    currency: config.fees.currency,
    credentials_configured: true,
    encryption_key_id: config.credentials.encryptionKeyId,
    configured_at: config.configuredAt,
  };
}

/**
 * `now` picks the business-day settings in effect today (a change may be scheduled).
 *
 * @example renderStore(store, configs, '2024-06-01T03:00:00.000Z') // { id: 'str_…', time_zone: 'Asia/Tokyo', … }
 */
export function renderStore(store: ExistingStore, configs: readonly ConfiguredStoreProviderConfig[], now: string): StoreResource {
  const today = settingsOn(store.businessDaySchedule, storeBusinessDate(store.businessDaySchedule, now));
  return {
    id: store.storeId,
    object: 'store',
    merchant_id: store.merchantId,
    name: store.name,
    status: store.status,
    time_zone: today.timeZone,
    cutoff_minutes: today.cutoffMinutes,
    business_day_schedule: store.businessDaySchedule.map((period) => ({
      effective_from_business_date: period.effectiveFromBusinessDate,
      time_zone: period.timeZone,
      cutoff_minutes: period.cutoffMinutes,
    })),
    opened_at: store.openedAt,
    provider_configs: configs.map(renderStoreProviderConfig),
  };
}

/** @example renderTerminal(terminal) // { id: 'trm_…', object: 'terminal', status: 'active', … } */
export function renderTerminal(terminal: RegisteredTerminal): TerminalResource {
  return {
    id: terminal.terminalId,
    object: 'terminal',
    merchant_id: terminal.merchantId,
    store_id: terminal.storeId,
    device_uuid: terminal.deviceUuid,
    model: terminal.model,
    public_key: terminal.publicKey,
    status: terminal.status,
    registered_at: terminal.registeredAt,
  };
}

// After a successful decision the stream's entity exists; these narrow the decided state, e.g.
// `respond: (state) => serialize(201, renderMerchant(existingMerchant(state)))`.

/** @example existingMerchant(state) // throws AssertionFailedError if the entity does not exist */
export function existingMerchant(state: MerchantState): OnboardedMerchant {
  assert(state.status !== 'not_onboarded', 'a merchant command succeeded on a merchant that does not exist');
  return state;
}

/** @example existingStore(state) // throws AssertionFailedError if the entity does not exist */
export function existingStore(state: StoreState): ExistingStore {
  assert(state.status !== 'not_opened', 'a store command succeeded on a store that does not exist');
  return state;
}

/** @example existingStoreProviderConfig(state) // throws AssertionFailedError if the entity does not exist */
export function existingStoreProviderConfig(state: StoreProviderConfigState): ConfiguredStoreProviderConfig {
  assert(state.status !== 'not_configured', 'a provider config command succeeded on a configuration that does not exist');
  return state;
}

/** @example existingTerminal(state) // throws AssertionFailedError if the entity does not exist */
export function existingTerminal(state: TerminalState): RegisteredTerminal {
  assert(state.status !== 'unregistered', 'a terminal command succeeded on a terminal that does not exist');
  return state;
}
