/**
 * Terminal decider. Proves that a terminal is registered only at an open store of an active
 * merchant (facts the command carries), with a lower-case device UUID and a public key that is an
 * SPKI PEM or a public JWK — a private key is refused, so it never lands in an event; that it moves
 * only to an open store of its own merchant and never while deactivated; that a deactivated
 * terminal keeps its record under the distinct status `deactivated` (so the auth layer refuses it a
 * token) and becomes active again only by ReactivateTerminal; that re-issued commands decide
 * nothing; and, as a property over random command sequences against a fixed map of stores to
 * merchants, that statuses change only along register/deactivate/reactivate, a terminal's store
 * always belongs to its merchant, and replay is deterministic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evolveAll } from './decider.js';
import { runCommands, specify } from '../shared/testing/deciderSpec.js';
import { parseMerchantId, parseStoreId, parseTerminalId, type MerchantId, type StoreId } from './ids.js';
import type { MerchantStatus } from './merchant.js';
import type { StoreStatus } from './store.js';
import { initialTerminalState, isActiveTerminal, type TerminalEvent } from './terminal.js';
import { terminalDecider, type TerminalCommand } from './terminal.decide.js';

const spec = specify(terminalDecider);
const terminalId = parseTerminalId('trm_01J0TRM0000000000000000001');
const merchantId = parseMerchantId('mer_01J0MER0000000000000000001');
const otherMerchantId = parseMerchantId('mer_01J0MER0000000000000000002');
const shibuya = parseStoreId('str_01J0STR0000000000000000001');
const shinjuku = parseStoreId('str_01J0STR0000000000000000002');
const umeda = parseStoreId('str_01J0STR0000000000000000003'); // another merchant's store
const NOW = '2024-06-01T03:00:00.000Z';
const deviceUuid = '3f2b8c1e-9a4d-4e6b-8f0a-1c2d3e4f5a6b';

const pem = (label: string, body: string): string => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
const publicKey = pem('PUBLIC KEY', 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEpjRrgMqPDfa8TO+VHuQVjukGWVYo\n6mxwVcq+eyYbrFZRyyIfJU/MgFknjE1Kd/uFVtRGVrbjJykhqRRQYVhXnw==');
const publicJwk = JSON.stringify({
  kty: 'EC',
  crv: 'P-256',
  x: 'pjRrgMqPDfa8TO-VHuQVjukGWVYo6mxwVcq-eyYbrFY',
  y: 'UcsiHyVPzIBZJ4xNSnf7hVbURla24ycpIakUUGFYV58',
});

type RegisterData = Partial<{
  deviceUuid: string;
  publicKey: string;
  storeStatus: StoreStatus;
  merchantStatus: MerchantStatus;
}>;
const register = (data: RegisterData = {}) =>
  ({
    type: 'RegisterTerminal',
    data: {
      terminalId,
      deviceUuid,
      publicKey,
      model: 'S-Pitt Air',
      storeId: shibuya,
      storeMerchantId: merchantId,
      storeStatus: 'open',
      merchantStatus: 'active',
      now: NOW,
      ...data,
    },
  }) as const satisfies TerminalCommand;
const move = (toStoreId: StoreId, toStoreMerchantId: MerchantId = merchantId, toStoreStatus: StoreStatus = 'open') =>
  ({ type: 'MoveTerminal', data: { terminalId, toStoreId, toStoreMerchantId, toStoreStatus, now: NOW } }) as const;
const deactivate = { type: 'DeactivateTerminal', data: { terminalId, reason: 'reported stolen', now: NOW } } as const;
const reactivate = (storeStatus: StoreStatus = 'open', merchantStatus: MerchantStatus = 'active') =>
  ({ type: 'ReactivateTerminal', data: { terminalId, storeStatus, merchantStatus, now: NOW } }) as const;

const registered: TerminalEvent = {
  type: 'TerminalRegistered',
  data: { terminalId, deviceUuid, publicKey, model: 'S-Pitt Air', storeId: shibuya, merchantId, registeredAt: NOW },
};
const moved: TerminalEvent = {
  type: 'TerminalMoved',
  data: { terminalId, fromStoreId: shibuya, toStoreId: shinjuku, movedAt: NOW },
};
const deactivated: TerminalEvent = {
  type: 'TerminalDeactivated',
  data: { terminalId, reason: 'reported stolen', deactivatedAt: NOW },
};

describe('Terminal', () => {
  describe('when unregistered', () => {
    it('registers at an open store, recording the store’s merchant', () => {
      expect(spec.given([]).when(register())).toEqual({ events: [registered] });
    });

    it('accepts a public JWK', () => {
      expect(spec.given([]).when(register({ publicKey: publicJwk }))).toMatchObject({ events: [{ type: 'TerminalRegistered' }] });
    });

    it.each([
      ['an upper-case device UUID', { deviceUuid: deviceUuid.toUpperCase() }, 'tenancy.invalid_device_uuid'],
      ['a device serial instead of a UUID', { deviceUuid: 'TEST123456' }, 'tenancy.invalid_device_uuid'],
      ['a PKCS#8 private key', { publicKey: pem('PRIVATE KEY', 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg') }, 'tenancy.invalid_public_key'],
      ['a PKCS#1 RSA public key', { publicKey: pem('RSA PUBLIC KEY', 'MIIBCgKCAQEA') }, 'tenancy.invalid_public_key'],
      ['a private JWK', { publicKey: JSON.stringify({ ...(JSON.parse(publicJwk) as object), d: 'AAAA' }) }, 'tenancy.invalid_public_key'],
      ['a symmetric JWK', { publicKey: JSON.stringify({ kty: 'oct', k: 'AAAA' }) }, 'tenancy.invalid_public_key'],
      ['a JSON array', { publicKey: '[]' }, 'tenancy.invalid_public_key'],
      ['garbage', { publicKey: 'not a key' }, 'tenancy.invalid_public_key'],
      ['a key over 8 KiB', { publicKey: pem('PUBLIC KEY', 'A'.repeat(64).concat('\n').repeat(130).trimEnd()) }, 'tenancy.invalid_public_key'],
      ['a closed store', { storeStatus: 'closed' }, 'tenancy.store_not_open'],
      ['a store not opened', { storeStatus: 'not_opened' }, 'tenancy.store_not_open'],
      ['a suspended merchant', { merchantStatus: 'suspended' }, 'tenancy.merchant_not_active'],
    ] as const)('refuses registration with %s', (_case, data: RegisterData, code) => {
      expect(spec.given([]).when(register(data))).toEqual({ refused: code });
    });

    it.each([
      ['MoveTerminal', move(shinjuku)],
      ['DeactivateTerminal', deactivate],
      ['ReactivateTerminal', reactivate()],
    ] as const)('refuses %s: the terminal does not exist', (_type, command) => {
      expect(spec.given([]).when(command)).toEqual({ refused: 'tenancy.terminal_not_found' });
    });
  });

  describe('when active', () => {
    it('decides nothing when registration is re-issued, even if the store closed since', () => {
      expect(spec.given([registered]).when(register({ storeStatus: 'closed' }))).toEqual({ events: [] });
    });

    it('refuses a registration with another key', () => {
      expect(spec.given([registered]).when(register({ publicKey: publicJwk }))).toEqual({
        refused: 'tenancy.terminal_already_registered',
      });
    });

    it('moves to another open store of its merchant', () => {
      expect(spec.given([registered]).when(move(shinjuku))).toEqual({ events: [moved] });
    });

    it('decides nothing when moved to its current store', () => {
      expect(spec.given([registered, moved]).when(move(shinjuku))).toEqual({ events: [] });
    });

    it.each([
      ['a store of another merchant', move(umeda, otherMerchantId), 'tenancy.terminal_store_of_another_merchant'],
      ['a closed store', move(shinjuku, merchantId, 'closed'), 'tenancy.store_not_open'],
    ] as const)('refuses a move to %s', (_case, command, code) => {
      expect(spec.given([registered]).when(command)).toEqual({ refused: code });
    });

    it('deactivates', () => {
      expect(spec.given([registered]).when(deactivate)).toEqual({ events: [deactivated] });
    });

    it('decides nothing when reactivated', () => {
      expect(spec.given([registered]).when(reactivate('closed'))).toEqual({ events: [] });
    });
  });

  describe('when deactivated', () => {
    it('drops the deactivation details once reactivated, keeping the store it was moved to', () => {
      const reactivated: TerminalEvent = { type: 'TerminalReactivated', data: { terminalId, reactivatedAt: NOW } };
      expect(evolveAll(terminalDecider, [registered, moved, deactivated, reactivated])).toEqual({
        status: 'active',
        terminalId,
        deviceUuid,
        publicKey,
        model: 'S-Pitt Air',
        storeId: shinjuku,
        merchantId,
        registeredAt: NOW,
      });
    });

    it('is kept under the distinct status `deactivated`, which the auth layer refuses', () => {
      const state = evolveAll(terminalDecider, [registered, deactivated]);
      expect(state).toMatchObject({ status: 'deactivated', deviceUuid, deactivationReason: 'reported stolen' });
      expect(isActiveTerminal(state)).toBe(false);
      expect(isActiveTerminal(evolveAll(terminalDecider, [registered]))).toBe(true);
      expect(isActiveTerminal(initialTerminalState())).toBe(false);
    });

    it('reactivates at an open store of an active merchant', () => {
      expect(spec.given([registered, deactivated]).when(reactivate())).toEqual({
        events: [{ type: 'TerminalReactivated', data: { terminalId, reactivatedAt: NOW } }],
      });
    });

    it.each([
      ['its store is closed', reactivate('closed'), 'tenancy.store_not_open'],
      ['its merchant is suspended', reactivate('open', 'suspended'), 'tenancy.merchant_not_active'],
    ] as const)('refuses reactivation while %s', (_case, command, code) => {
      expect(spec.given([registered, deactivated]).when(command)).toEqual({ refused: code });
    });

    it('refuses a move', () => {
      expect(spec.given([registered, deactivated]).when(move(shinjuku))).toEqual({ refused: 'tenancy.terminal_deactivated' });
    });

    it('decides nothing for a re-issued move that already happened', () => {
      expect(spec.given([registered, moved, deactivated]).when(move(shinjuku))).toEqual({ events: [] });
    });

    it('decides nothing when deactivated again', () => {
      expect(spec.given([registered, deactivated]).when(deactivate)).toEqual({ events: [] });
    });
  });

  describe('invariants over random command sequences', () => {
    const merchantOf = new Map<StoreId, MerchantId>([
      [shibuya, merchantId],
      [shinjuku, merchantId],
      [umeda, otherMerchantId],
    ]);
    const stores = fc.constantFrom(shibuya, shinjuku, umeda);
    const storeStatuses = fc.constantFrom<StoreStatus>('open', 'closed');
    const merchantStatuses = fc.constantFrom<MerchantStatus>('active', 'suspended');
    const command: fc.Arbitrary<TerminalCommand> = fc.oneof(
      fc.tuple(stores, storeStatuses, merchantStatuses).map(([storeId, storeStatus, merchantStatus]) => {
        const base = register({ storeStatus, merchantStatus });
        return { ...base, data: { ...base.data, storeId, storeMerchantId: merchantOf.get(storeId) ?? merchantId } };
      }),
      fc.tuple(stores, storeStatuses).map(([storeId, status]) => move(storeId, merchantOf.get(storeId) ?? merchantId, status)),
      fc.constant(deactivate),
      fc.tuple(storeStatuses, merchantStatuses).map(([storeStatus, merchantStatus]) => reactivate(storeStatus, merchantStatus)),
    );
    const allowedTransitions = new Set(['unregistered -RegisterTerminal-> active', 'active -DeactivateTerminal-> deactivated', 'deactivated -ReactivateTerminal-> active']);

    it('keeps the status graph and the store within the merchant, replays deterministically, and re-issues idempotently', () => {
      const seen = new Set<string>();
      fc.assert(
        fc.property(fc.array(command, { maxLength: 30, size: 'max' }), (commands) => {
          const run = runCommands(terminalDecider, commands);
          for (const step of run.steps) {
            const transition = `${step.before.status} -${step.command.type}-> ${step.after.status}`;
            if (step.before.status !== step.after.status) expect(allowedTransitions).toContain(transition);
            seen.add(transition);
            if (step.after.status !== 'unregistered') expect(merchantOf.get(step.after.storeId)).toBe(step.after.merchantId);
            if (step.before.status === 'deactivated' && step.after.status === 'deactivated') expect(step.after).toBe(step.before);
            if ('events' in step.outcome && step.outcome.events.length > 0) expect(step.after).not.toEqual(step.before);
            if (step.reissue !== undefined) expect(step.reissue).toEqual({ events: [] });
          }
          expect(evolveAll(terminalDecider, run.events)).toEqual(run.state);
        }),
      );
      for (const transition of allowedTransitions) expect(seen).toContain(transition);
      expect(seen).toContain('active -MoveTerminal-> active');
    });
  });
});
