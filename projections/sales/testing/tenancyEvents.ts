/**
 * Tenancy events for projector specs: a store's opening (its business-day schedule) and its
 * provider configurations (its fees), shaped exactly as the tenancy deciders record them.
 */
import type { StoreOpened, StoreProviderConfigFeesUpdated, StoreProviderConfigured } from '../../../domain/tenancy/index.js';
import { businessDate } from '../../../domain/businessDay/index.js';

type Event = Readonly<{ stream: string; event: Readonly<{ type: string; data: object }> }>;

export function storeOpened(storeId: string, merchantId: string, timeZone = 'Asia/Tokyo', cutoffMinutes = 0, openedAt = '2025-01-01T00:00:00.000Z'): Event {
  const event = {
    type: 'StoreOpened',
    data: { storeId, merchantId, name: 'Shibuya', timeZone, cutoffMinutes, firstBusinessDate: businessDate(openedAt, timeZone, cutoffMinutes), openedAt },
  } as StoreOpened;
  return { stream: `Store-${storeId}`, event };
}

export const configIdOf = (storeId: string, providerCode: string): string => `spc_${storeId.slice(4)}_${providerCode}`;

export function providerConfigured(storeId: string, providerCode: string, feeRatePpm: number, fixedFeeMinor = 0, currency = 'JPY'): Event {
  const event = {
    type: 'StoreProviderConfigured',
    data: {
      storeProviderConfigId: configIdOf(storeId, providerCode),
      storeId,
      providerCode,
      fees: { feeRatePpm, fixedFeeMinor, currency },
      credentials: { ciphertext: 'sealed', encryptionKeyId: 'test-key' },
      configuredAt: '2025-01-01T00:00:00.000Z',
    },
  } as StoreProviderConfigured;
  return { stream: `StoreProviderConfig-${storeId}-${providerCode}`, event };
}

export function feesUpdated(storeId: string, providerCode: string, feeRatePpm: number, fixedFeeMinor = 0): Event {
  const event = {
    type: 'StoreProviderConfigFeesUpdated',
    data: { storeProviderConfigId: configIdOf(storeId, providerCode), fees: { feeRatePpm, fixedFeeMinor, currency: 'JPY' }, updatedAt: '2025-01-01T00:00:00.000Z' },
  } as StoreProviderConfigFeesUpdated;
  return { stream: `StoreProviderConfig-${storeId}-${providerCode}`, event };
}
