/**
 * StoreProviderConfig decider. Proves that a store is configured for a provider only while the
 * store is open (a fact the command carries), with a fee rate that is an integer number of parts
 * per million (a float such as 3.24 is refused), a non-negative integer fixed fee in minor units,
 * and credentials that arrive as an encrypted envelope; that fees and credentials change only
 * through their own commands; that a disabled configuration is enabled again only for an open
 * store; that re-issued commands decide nothing; and, as a property over random command
 * sequences, that statuses change only along configure/disable/enable, fees in the state are
 * always valid integers, and replay is deterministic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evolveAll } from './decider.js';
import { runCommands, specify } from '../shared/testing/deciderSpec.js';
import { parseStoreId, parseStoreProviderConfigId } from './ids.js';
import type { StoreStatus } from './store.js';
import type { EncryptedCredentials, ProviderFees, StoreProviderConfigEvent } from './storeProviderConfig.js';
import { storeProviderConfigDecider, type StoreProviderConfigCommand } from './storeProviderConfig.decide.js';

const spec = specify(storeProviderConfigDecider);
const storeId = parseStoreId('str_01J0STR0000000000000000001');
const storeProviderConfigId = parseStoreProviderConfigId('spc_01J0SPC0000000000000000001');
const NOW = '2024-06-01T03:00:00.000Z';
const address = { storeId, providerCode: 'paypay', now: NOW } as const;
const fees: ProviderFees = { feeRatePpm: 19_800, fixedFeeMinor: 0, currency: 'JPY' }; // 1.98 %
const newFees: ProviderFees = { feeRatePpm: 32_400, fixedFeeMinor: 10, currency: 'JPY' }; // 3.24 % + ¥10
const credentials: EncryptedCredentials = { ciphertext: 'eyJhbGciOiJkaXIifQ..nonce.cipher.tag', encryptionKeyId: 'kms:key/1' };
const newCredentials: EncryptedCredentials = { ciphertext: 'eyJhbGciOiJkaXIifQ..nonce2.cipher2.tag2', encryptionKeyId: 'kms:key/2' };

const configure = (data: Partial<{ fees: ProviderFees; credentials: EncryptedCredentials; storeStatus: StoreStatus }> = {}) =>
  ({
    type: 'ConfigureStoreProvider',
    data: { ...address, storeProviderConfigId, fees, credentials, storeStatus: 'open', ...data },
  }) as const satisfies StoreProviderConfigCommand;
const updateFees = (value: ProviderFees) => ({ type: 'UpdateStoreProviderFees', data: { ...address, fees: value } }) as const;
const rotate = (value: EncryptedCredentials) => ({ type: 'RotateStoreProviderCredentials', data: { ...address, credentials: value } }) as const;
const disable = { type: 'DisableStoreProvider', data: { ...address, reason: 'contract paused' } } as const;
const enable = (storeStatus: StoreStatus = 'open') => ({ type: 'EnableStoreProvider', data: { ...address, storeStatus } }) as const;

const configured: StoreProviderConfigEvent = {
  type: 'StoreProviderConfigured',
  data: { storeProviderConfigId, storeId, providerCode: 'paypay', fees, credentials, configuredAt: NOW },
};
const disabled: StoreProviderConfigEvent = {
  type: 'StoreProviderConfigDisabled',
  data: { storeProviderConfigId, reason: 'contract paused', disabledAt: NOW },
};

describe('StoreProviderConfig', () => {
  describe('when not configured', () => {
    it('configures an open store with its fees and encrypted credentials', () => {
      expect(spec.given([]).when(configure())).toEqual({ events: [configured] });
    });

    it.each(['not_opened', 'closed'] as const)('refuses to configure a %s store', (storeStatus) => {
      expect(spec.given([]).when(configure({ storeStatus }))).toEqual({ refused: 'tenancy.store_not_open' });
    });

    it.each([
      ['a float rate (3.24 %)', { ...fees, feeRatePpm: 3.24 }, 'tenancy.invalid_fee_rate'],
      ['a negative rate', { ...fees, feeRatePpm: -1 }, 'tenancy.invalid_fee_rate'],
      ['a rate above 100 %', { ...fees, feeRatePpm: 1_000_001 }, 'tenancy.invalid_fee_rate'],
      ['a negative fixed fee', { ...fees, fixedFeeMinor: -1 }, 'tenancy.invalid_fixed_fee'],
      ['a fractional fixed fee', { ...fees, fixedFeeMinor: 10.5 }, 'tenancy.invalid_fixed_fee'],
      ['an unsafe fixed fee', { ...fees, fixedFeeMinor: 2 ** 53 }, 'tenancy.invalid_fixed_fee'],
      ['a lower-case currency', { ...fees, currency: 'jpy' }, 'tenancy.invalid_currency'],
    ] as const)('refuses fees with %s', (_case, value, code) => {
      expect(spec.given([]).when(configure({ fees: value }))).toEqual({ refused: code });
    });

    it.each([
      ['an empty ciphertext', { ...credentials, ciphertext: '' }],
      ['a ciphertext with whitespace (plaintext JSON)', { ...credentials, ciphertext: '{ "apiKey": "abc" }' }],
      ['a ciphertext over 16 KiB', { ...credentials, ciphertext: 'A'.repeat(16_385) }],
      ['no key id', { ...credentials, encryptionKeyId: '' }],
    ])('refuses credentials with %s', (_case, value) => {
      expect(spec.given([]).when(configure({ credentials: value }))).toEqual({ refused: 'tenancy.invalid_credentials' });
    });

    it.each([
      ['UpdateStoreProviderFees', updateFees(newFees)],
      ['RotateStoreProviderCredentials', rotate(newCredentials)],
      ['DisableStoreProvider', disable],
      ['EnableStoreProvider', enable()],
    ] as const)('refuses %s: there is no configuration', (_type, command) => {
      expect(spec.given([]).when(command)).toEqual({ refused: 'tenancy.store_provider_config_not_found' });
    });
  });

  describe('when enabled', () => {
    it('decides nothing when configuration is re-issued, even if the store closed since', () => {
      expect(spec.given([configured]).when(configure({ storeStatus: 'closed' }))).toEqual({ events: [] });
    });

    it('refuses a configuration with other details', () => {
      expect(spec.given([configured]).when(configure({ fees: newFees }))).toEqual({
        refused: 'tenancy.store_provider_config_already_configured',
      });
    });

    it('updates the fees', () => {
      expect(spec.given([configured]).when(updateFees(newFees))).toEqual({
        events: [{ type: 'StoreProviderConfigFeesUpdated', data: { storeProviderConfigId, fees: newFees, updatedAt: NOW } }],
      });
    });

    it('decides nothing for the current fees', () => {
      expect(spec.given([configured]).when(updateFees({ ...fees }))).toEqual({ events: [] });
    });

    it('rotates the credentials', () => {
      expect(spec.given([configured]).when(rotate(newCredentials))).toEqual({
        events: [
          {
            type: 'StoreProviderConfigCredentialsRotated',
            data: { storeProviderConfigId, credentials: newCredentials, rotatedAt: NOW },
          },
        ],
      });
    });

    it('decides nothing for the current credentials', () => {
      expect(spec.given([configured]).when(rotate({ ...credentials }))).toEqual({ events: [] });
    });

    it('disables', () => {
      expect(spec.given([configured]).when(disable)).toEqual({ events: [disabled] });
    });

    it('decides nothing when enabled', () => {
      expect(spec.given([configured]).when(enable('closed'))).toEqual({ events: [] });
    });
  });

  describe('when disabled', () => {
    it('drops the disable details once enabled again', () => {
      const enabled: StoreProviderConfigEvent = { type: 'StoreProviderConfigEnabled', data: { storeProviderConfigId, enabledAt: NOW } };
      expect(evolveAll(storeProviderConfigDecider, [configured, disabled, enabled])).toEqual({
        status: 'enabled',
        storeProviderConfigId,
        storeId,
        providerCode: 'paypay',
        fees,
        credentials,
        configuredAt: NOW,
      });
    });

    it('enables again for an open store', () => {
      expect(spec.given([configured, disabled]).when(enable())).toEqual({
        events: [{ type: 'StoreProviderConfigEnabled', data: { storeProviderConfigId, enabledAt: NOW } }],
      });
    });

    it('refuses to enable for a closed store', () => {
      expect(spec.given([configured, disabled]).when(enable('closed'))).toEqual({ refused: 'tenancy.store_not_open' });
    });

    it('decides nothing when disabled again', () => {
      expect(spec.given([configured, disabled]).when(disable)).toEqual({ events: [] });
    });

    it('updates the fees and stays disabled', () => {
      const state = evolveAll(storeProviderConfigDecider, [
        configured,
        disabled,
        { type: 'StoreProviderConfigFeesUpdated', data: { storeProviderConfigId, fees: newFees, updatedAt: NOW } },
      ]);
      expect(state).toMatchObject({ status: 'disabled', fees: newFees, disableReason: 'contract paused' });
    });
  });

  describe('invariants over random command sequences', () => {
    const feeValues = fc.record({
      feeRatePpm: fc.oneof(fc.integer({ min: -10, max: 1_000_010 }), fc.double({ min: 0, max: 5, noNaN: true })),
      fixedFeeMinor: fc.integer({ min: -5, max: 100 }),
      currency: fc.constantFrom('JPY', 'jpy'),
    });
    const credentialValues = fc.constantFrom(credentials, newCredentials, { ...credentials, ciphertext: '' });
    const storeStatuses = fc.constantFrom<StoreStatus>('open', 'closed');
    const command: fc.Arbitrary<StoreProviderConfigCommand> = fc.oneof(
      fc.tuple(fc.constantFrom(fees, newFees), credentialValues, storeStatuses).map(([value, secret, storeStatus]) => configure({ fees: value, credentials: secret, storeStatus })),
      feeValues.map(updateFees),
      credentialValues.map(rotate),
      fc.constant(disable),
      storeStatuses.map(enable),
    );
    const allowedTransitions = new Set(['not_configured -ConfigureStoreProvider-> enabled', 'enabled -DisableStoreProvider-> disabled', 'disabled -EnableStoreProvider-> enabled']);

    it('keeps the status graph and valid integer fees, replays deterministically, and re-issues idempotently', () => {
      const seen = new Set<string>();
      fc.assert(
        fc.property(fc.array(command, { maxLength: 30, size: 'max' }), (commands) => {
          const run = runCommands(storeProviderConfigDecider, commands);
          for (const step of run.steps) {
            const transition = `${step.before.status} -${step.command.type}-> ${step.after.status}`;
            if (step.before.status !== step.after.status) expect(allowedTransitions).toContain(transition);
            seen.add(transition);
            if (step.after.status !== 'not_configured') {
              const { feeRatePpm, fixedFeeMinor } = step.after.fees;
              expect(Number.isInteger(feeRatePpm) && feeRatePpm >= 0 && feeRatePpm <= 1_000_000).toBe(true);
              expect(Number.isSafeInteger(fixedFeeMinor) && fixedFeeMinor >= 0).toBe(true);
              expect(step.after.credentials.ciphertext).not.toBe('');
            }
            if ('events' in step.outcome && step.outcome.events.length > 0) expect(step.after).not.toEqual(step.before);
            if (step.reissue !== undefined) expect(step.reissue).toEqual({ events: [] });
          }
          expect(evolveAll(storeProviderConfigDecider, run.events)).toEqual(run.state);
        }),
      );
      for (const transition of allowedTransitions) expect(seen).toContain(transition);
    });
  });
});
