/**
 * Tenancy ids. Proves that each id is accepted only with its own prefix and a 26-character
 * Crockford-base32 ULID body (upper case, no I/L/O/U, first character 0–7), that a malformed id is
 * a `tenancy.invalid_id` refusal, and that stream names come from one function per aggregate —
 * the provider configuration's from (store, provider), so that one store has one per provider.
 */
import { describe, expect, it } from 'vitest';
import { TenancyError } from './errors.js';
import {
  isClientPartnerId,
  isMerchantId,
  parseClientPartnerId,
  parseMerchantId,
  parseStoreId,
  parseStoreProviderConfigId,
  parseTerminalId,
  toClientPartnerStreamName,
  toMerchantStreamName,
  toStoreProviderConfigStreamName,
  toStoreStreamName,
  toTerminalStreamName,
} from './ids.js';

const body = '01HZY3J5K6M7N8P9QRSTVWXYZ0';

function refusalCode(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof TenancyError ? error.code : undefined;
  }
}

describe('tenancy ids', () => {
  it.each([
    ['cp_', parseClientPartnerId],
    ['mer_', parseMerchantId],
    ['str_', parseStoreId],
    ['spc_', parseStoreProviderConfigId],
    ['trm_', parseTerminalId],
  ] as const)('parses an id with prefix %s', (prefix, parse) => {
    expect(parse(`${prefix}${body}`)).toBe(`${prefix}${body}`);
  });

  it.each([
    ['another aggregate’s prefix', `str_${body}`],
    ['no prefix', body],
    ['a lower-case body', `mer_${body.toLowerCase()}`],
    ['a body one character short', `mer_${body.slice(1)}`],
    ['a body one character long', `mer_${body}0`],
    ['the excluded letter I', `mer_${body.slice(0, 25)}I`],
    ['the excluded letter U', `mer_${body.slice(0, 25)}U`],
    ['a first character above 7 (overflows 128 bits)', `mer_8${body.slice(1)}`],
  ])('refuses a merchant id with %s', (_case, value) => {
    expect(isMerchantId(value)).toBe(false);
    expect(refusalCode(() => parseMerchantId(value))).toBe('tenancy.invalid_id');
  });

  it('keeps prefixes apart', () => {
    expect(isClientPartnerId(`cp_${body}`)).toBe(true);
    expect(isClientPartnerId(`mer_${body}`)).toBe(false);
  });

  it('names each stream after its aggregate', () => {
    expect(toClientPartnerStreamName(parseClientPartnerId(`cp_${body}`))).toBe(`ClientPartner-cp_${body}`);
    expect(toMerchantStreamName(parseMerchantId(`mer_${body}`))).toBe(`Merchant-mer_${body}`);
    expect(toStoreStreamName(parseStoreId(`str_${body}`))).toBe(`Store-str_${body}`);
    expect(toTerminalStreamName(parseTerminalId(`trm_${body}`))).toBe(`Terminal-trm_${body}`);
    expect(toStoreProviderConfigStreamName(parseStoreId(`str_${body}`), 'rakuten_pay')).toBe(`StoreProviderConfig-str_${body}-rakuten_pay`);
  });
});
