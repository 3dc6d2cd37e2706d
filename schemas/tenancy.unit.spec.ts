/**
 * The edge schemas mirror the tenancy domain's rules (schemas/ may not import domain values), so
 * this keeps them in step: the same id formats, provider codes, terminal models and limits.
 */
import { describe, expect, it } from 'vitest';
import {
  FEE_RATE_PPM_MAX,
  isClientPartnerId,
  isMerchantId,
  isStoreId,
  isStoreProviderConfigId,
  isTerminalId,
  NAME_LENGTH_MAX as DOMAIN_NAME_LENGTH_MAX,
  PUBLIC_KEY_LENGTH_MAX as DOMAIN_PUBLIC_KEY_LENGTH_MAX,
  providerCodes,
  REASON_LENGTH_MAX as DOMAIN_REASON_LENGTH_MAX,
  terminalModels,
} from '../domain/tenancy/index.js';
import { CUTOFF_MINUTES_MAX, TIME_ZONE_LENGTH_MAX } from '../domain/businessDay/index.js';
import {
  clientPartnerIdSchema,
  configureStoreProviderBodySchema,
  merchantIdSchema,
  NAME_LENGTH_MAX,
  openStoreBodySchema,
  providerCodeSchema,
  PUBLIC_KEY_LENGTH_MAX,
  REASON_LENGTH_MAX,
  storeIdSchema,
  storeProviderConfigIdSchema,
  terminalIdSchema,
  terminalModelSchema,
} from './tenancy.js';

const body = '01HZY3J5K6M7N8P9QRSTVWXYZ0';
const samples = (prefix: string) => [
  `${prefix}_${body}`,
  `${prefix}_${body.toLowerCase()}`,
  `${prefix}_8${body.slice(1)}`,
  `${prefix}_${body.slice(1)}`,
  `${prefix}_${body.replace('Z', 'U')}`,
  `${prefix}${body}`,
  `x${prefix}_${body}`,
  `${prefix}_${body}0`,
];

describe('tenancy schemas', () => {
  it.each([
    ['cp', clientPartnerIdSchema, isClientPartnerId],
    ['mer', merchantIdSchema, isMerchantId],
    ['str', storeIdSchema, isStoreId],
    ['spc', storeProviderConfigIdSchema, isStoreProviderConfigId],
    ['trm', terminalIdSchema, isTerminalId],
  ] as const)('accept exactly the %s_ ids the domain accepts', (prefix, schema, guard) => {
    for (const sample of samples(prefix)) expect(schema.safeParse(sample).success, sample).toBe(guard(sample));
  });

  it('list the same provider codes and terminal models', () => {
    expect(providerCodeSchema.options).toEqual([...providerCodes]);
    expect(terminalModelSchema.options).toEqual([...terminalModels]);
  });

  it('use the same limits', () => {
    expect([NAME_LENGTH_MAX, REASON_LENGTH_MAX, PUBLIC_KEY_LENGTH_MAX]).toEqual([DOMAIN_NAME_LENGTH_MAX, DOMAIN_REASON_LENGTH_MAX, DOMAIN_PUBLIC_KEY_LENGTH_MAX]);
    const store = { name: 'S', time_zone: 'Asia/Tokyo', cutoff_minutes: CUTOFF_MINUTES_MAX };
    expect(openStoreBodySchema.safeParse(store).success).toBe(true);
    expect(openStoreBodySchema.safeParse({ ...store, cutoff_minutes: CUTOFF_MINUTES_MAX + 1 }).success).toBe(false);
    expect(openStoreBodySchema.safeParse({ ...store, time_zone: 'A'.repeat(TIME_ZONE_LENGTH_MAX + 1) }).success).toBe(false);
    const config = { provider_code: 'paypay', fee_rate_ppm: FEE_RATE_PPM_MAX, fixed_fee_minor: 0, credentials: { key: 'v' } };
    expect(configureStoreProviderBodySchema.safeParse(config).success).toBe(true);
    expect(configureStoreProviderBodySchema.safeParse({ ...config, fee_rate_ppm: FEE_RATE_PPM_MAX + 1 }).success).toBe(false);
  });

  it('bound the credentials object', () => {
    const config = { provider_code: 'paypay', fee_rate_ppm: 0, fixed_fee_minor: 0 };
    expect(configureStoreProviderBodySchema.safeParse({ ...config, credentials: {} }).success).toBe(false);
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v']));
    expect(configureStoreProviderBodySchema.safeParse({ ...config, credentials: many }).success).toBe(false);
    expect(configureStoreProviderBodySchema.safeParse({ ...config, credentials: { key: 'v'.repeat(513) } }).success).toBe(false);
  });
});
