/**
 * The stored-event codecs: every event type of every aggregate survives encode → decode unchanged
 * (PaymentIntent: the events decided in random command sequences, all 18 types; tenancy and
 * settlement: one example per type, the compiler forcing the list complete); an unknown type, an
 * unknown schema version and a malformed payload are refused with `UndecodableEventError` naming
 * the stream and revision; old versions are upcast in the codec, before parsing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../domain/eventStore/index.js';
import { run, scenarios } from '../../domain/paymentIntent/testing/commandSequences.js';
import type { SettlementBatchEvent } from '../../domain/settlement/index.js';
import type { ClientPartnerEvent, MerchantEvent, StoreEvent, StoreProviderConfigEvent, TerminalEvent } from '../../domain/tenancy/index.js';
import { parseClientPartnerId, parseMerchantId, parseStoreId, parseStoreProviderConfigId, parseTerminalId } from '../../domain/tenancy/index.js';
import { z } from 'zod';
import {
  UndecodableEventError,
  clientPartnerCodec,
  defineEventCodec,
  merchantCodec,
  paymentIntentCodec,
  settlementBatchCodec,
  storeCodec,
  storeProviderConfigCodec,
  terminalCodec,
  type EventCodec,
  type EventShape,
  type StoredEventRow,
} from './index.js';

const stored = (codec: EventCodec<EventShape>, event: EventShape, revision = 0): StoredEventRow => ({
  id: '00000000-0000-4000-8000-000000000001',
  stream: `${codec.streamPrefix}x`,
  revision,
  ...codec.encode(event),
});

/** One example of each event type, as `Record<type, event>` so a new type without an example fails typecheck. */
type Examples<Event extends EventShape> = { readonly [T in Event['type']]: Extract<Event, { type: T }> };

const cp = parseClientPartnerId('cp_01J0CP00000000000000000001');
const mer = parseMerchantId('mer_01J0MER0000000000000000001');
const str = parseStoreId('str_01J0STR0000000000000000001');
const str2 = parseStoreId('str_01J0STR0000000000000000002');
const spc = parseStoreProviderConfigId('spc_01J0SPC0000000000000000001');
const trm = parseTerminalId('trm_01J0TRM0000000000000000001');
const at = '2025-06-01T10:00:00.000Z';
const fees = { feeRatePpm: 32_400, fixedFeeMinor: 0, currency: 'JPY' };
const credentials = { ciphertext: 'sealed', encryptionKeyId: 'key-1' };

const clientPartnerExamples: Examples<ClientPartnerEvent> = {
  ClientPartnerRegistered: { type: 'ClientPartnerRegistered', data: { clientPartnerId: cp, name: 'POS Co', hmacKeyId: 'k1', secretSha256Hex: 'ab'.repeat(32), registeredAt: at } },
  ClientPartnerSecretRotated: { type: 'ClientPartnerSecretRotated', data: { clientPartnerId: cp, hmacKeyId: 'k2', secretSha256Hex: 'cd'.repeat(32), rotatedAt: at } },
  ClientPartnerSuspended: { type: 'ClientPartnerSuspended', data: { clientPartnerId: cp, reason: 'unpaid', suspendedAt: at } },
  ClientPartnerReactivated: { type: 'ClientPartnerReactivated', data: { clientPartnerId: cp, reactivatedAt: at } },
};
const merchantExamples: Examples<MerchantEvent> = {
  MerchantOnboarded: { type: 'MerchantOnboarded', data: { merchantId: mer, clientPartnerId: cp, legalName: 'Ichiban KK', displayName: 'Ichiban', onboardedAt: at } },
  MerchantRenamed: { type: 'MerchantRenamed', data: { merchantId: mer, legalName: 'Niban KK', displayName: 'Niban', renamedAt: at } },
  MerchantSuspended: { type: 'MerchantSuspended', data: { merchantId: mer, reason: 'audit', suspendedAt: at } },
  MerchantReactivated: { type: 'MerchantReactivated', data: { merchantId: mer, reactivatedAt: at } },
  MerchantClosed: { type: 'MerchantClosed', data: { merchantId: mer, reason: 'closed down', closedAt: at } },
};
const storeExamples: Examples<StoreEvent> = {
  StoreOpened: {
    type: 'StoreOpened',
    data: { storeId: str, merchantId: mer, name: 'Shibuya', timeZone: 'Asia/Tokyo', cutoffMinutes: 240, firstBusinessDate: '2025-06-01', openedAt: at },
  },
  StoreBusinessDayChanged: {
    type: 'StoreBusinessDayChanged',
    data: { storeId: str, timeZone: 'Asia/Tokyo', cutoffMinutes: 0, effectiveFromBusinessDate: '2025-07-01', changedAt: at },
  },
  StoreClosed: { type: 'StoreClosed', data: { storeId: str, reason: 'moved', closedAt: at } },
};
const storeProviderConfigExamples: Examples<StoreProviderConfigEvent> = {
  StoreProviderConfigured: { type: 'StoreProviderConfigured', data: { storeProviderConfigId: spc, storeId: str, providerCode: 'paypay', fees, credentials, configuredAt: at } },
  StoreProviderConfigFeesUpdated: { type: 'StoreProviderConfigFeesUpdated', data: { storeProviderConfigId: spc, fees: { ...fees, fixedFeeMinor: 10 }, updatedAt: at } },
  StoreProviderConfigCredentialsRotated: { type: 'StoreProviderConfigCredentialsRotated', data: { storeProviderConfigId: spc, credentials, rotatedAt: at } },
  StoreProviderConfigDisabled: { type: 'StoreProviderConfigDisabled', data: { storeProviderConfigId: spc, reason: 'contract ended', disabledAt: at } },
  StoreProviderConfigEnabled: { type: 'StoreProviderConfigEnabled', data: { storeProviderConfigId: spc, enabledAt: at } },
};
const terminalExamples: Examples<TerminalEvent> = {
  TerminalRegistered: {
    type: 'TerminalRegistered',
    data: { terminalId: trm, deviceUuid: '8c1b6a4e-0d2f-4c55-9a43-2f1e5b7c9d10', publicKey: 'PEM', model: 'S-Pitt Air', storeId: str, merchantId: mer, registeredAt: at },
  },
  TerminalMoved: { type: 'TerminalMoved', data: { terminalId: trm, fromStoreId: str, toStoreId: str2, movedAt: at } },
  TerminalDeactivated: { type: 'TerminalDeactivated', data: { terminalId: trm, reason: 'lost', deactivatedAt: at } },
  TerminalReactivated: { type: 'TerminalReactivated', data: { terminalId: trm, reactivatedAt: at } },
};
const settlementExamples: Examples<SettlementBatchEvent> = {
  SettlementBatchClosed: {
    type: 'SettlementBatchClosed',
    data: { batchId: 'stb_01J0STB0000000000000000001', clientPartnerId: cp, merchantId: mer, provider: 'paypay', businessDate: '2025-06-01', closedAt: at },
  },
};

const examples: ReadonlyArray<readonly [EventCodec<EventShape>, Readonly<Record<string, EventShape>>]> = [
  [clientPartnerCodec, clientPartnerExamples],
  [merchantCodec, merchantExamples],
  [storeCodec, storeExamples],
  [storeProviderConfigCodec, storeProviderConfigExamples],
  [terminalCodec, terminalExamples],
  [settlementBatchCodec, settlementExamples],
] as never;

describe('round trip encode → decode', () => {
  it('gives back every PaymentIntent event decided in random command sequences, all 18 types', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(scenarios, (scenario) => {
        for (const event of run(scenario).events) {
          seen.add(event.type);
          const encoded = paymentIntentCodec.encode(event);
          expect(encoded.schemaVersion).toBe(1);
          expect(paymentIntentCodec.decode({ ...stored(paymentIntentCodec as never, event), ...encoded })).toStrictEqual(event);
        }
      }),
      { numRuns: 400, seed: 1 },
    );
    expect([...seen].sort()).toEqual([...paymentIntentCodec.eventTypes].sort());
  });

  it.each(examples.map(([codec, byType]) => [codec.aggregate, codec, byType] as const))('gives back every %s event type', (_name, codec, byType) => {
    expect(Object.keys(byType).sort()).toEqual([...codec.eventTypes].sort());
    for (const event of Object.values(byType)) expect(codec.decode(stored(codec, event))).toStrictEqual(event);
  });
});

describe('decode refuses loudly', () => {
  const created = run(fc.sample(scenarios, { numRuns: 1, seed: 2 })[0]!).events[0]!;
  const row = stored(paymentIntentCodec as never, created, 3);
  const withoutIntentId = Object.fromEntries(Object.entries(row.data).filter(([field]) => field !== 'paymentIntentId'));

  it.each([
    ['an unknown schema version', { ...row, schemaVersion: 2 }, 'unknown schema version'],
    ['a version below 1', { ...row, schemaVersion: 0 }, 'unknown schema version'],
    ['an event type of no PaymentIntent', { ...row, type: 'PaymentIntentTeleported' }, 'not a PaymentIntent event type'],
    ['a missing field', { ...row, data: withoutIntentId }, 'paymentIntentId'],
    ['a mistyped amount', { ...row, data: { ...row.data, amount: { amountMinor: '1100', currency: 'JPY' } } }, 'amountMinor'],
    ['an unknown currency', { ...row, data: { ...row.data, amount: { amountMinor: 1100, currency: 'XXX' } } }, 'currency'],
  ])('%s', (_what, bad, reason) => {
    let thrown: unknown;
    try {
      paymentIntentCodec.decode(bad);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UndecodableEventError);
    const error = thrown as UndecodableEventError;
    expect(error).toMatchObject({ code: 'stored_event_undecodable', stream: row.stream, revision: 3, eventId: row.id });
    expect(error.message).toContain(reason);
  });
});

describe('upcasting, in the codec only', () => {
  type Renamed = Readonly<{ type: 'Renamed'; data: Readonly<{ displayName: string; legalName: string }> }>;
  const schemas = { Renamed: z.object({ displayName: z.string(), legalName: z.string() }) };
  // v1 stored `name`; v2 split it into display and legal names; v3 requires both non-empty.
  const codec = defineEventCodec<Renamed>({
    aggregate: 'Toy',
    streamPrefix: 'Toy-',
    schemaVersion: 3,
    schemas,
    upcasters: {
      1: (_type, data) => ({ displayName: data.name ?? '', legalName: data.name ?? '' }),
      2: (_type, data) => ({ ...data, legalName: data.legalName === '' ? (data.displayName ?? '') : (data.legalName ?? '') }),
    },
  });
  const row = (schemaVersion: number, data: JsonObject): StoredEventRow => ({ id: 'e1', stream: 'Toy-1', revision: 0, type: 'Renamed', schemaVersion, data });

  it('lifts each old version to the current one before parsing', () => {
    const expected = { type: 'Renamed', data: { displayName: 'Ichiban', legalName: 'Ichiban' } };
    expect(codec.decode(row(1, { name: 'Ichiban' }))).toStrictEqual(expected);
    expect(codec.decode(row(2, { displayName: 'Ichiban', legalName: '' }))).toStrictEqual(expected);
    expect(codec.decode(row(3, { displayName: 'Ichiban', legalName: 'Ichiban' }))).toStrictEqual(expected);
    expect(codec.encode(expected as Renamed).schemaVersion).toBe(3);
  });

  it('refuses a version newer than the code and an upcast result the schema refuses', () => {
    expect(() => codec.decode(row(4, { displayName: 'x', legalName: 'x' }))).toThrow(UndecodableEventError);
    expect(() => codec.decode(row(1, { name: 7 }))).toThrow(/payload refused/);
  });

  it('cannot be defined with a missing upcaster', () => {
    expect(() => defineEventCodec<Renamed>({ aggregate: 'Toy', streamPrefix: 'Toy-', schemaVersion: 2, schemas })).toThrow(/no upcaster from version 1/);
  });
});
