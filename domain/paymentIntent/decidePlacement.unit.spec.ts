/**
 * What this proves: a create is judged by the tenancy facts it carries (read by the command
 * handler from the tenancy streams), so the placement rules are the decider's. The intent is
 * created under the store's merchant; a store that does not exist or is another partner's answers
 * `tenancy.store_not_found`, then a closed store, an inactive merchant, a terminal of another
 * store, a deactivated terminal and a provider the store has not enabled are refused, in that
 * order: each row breaks its rule AND every later one, so the table fails if two guards swap.
 * Placement comes before the mode rules and the idempotency check (as when command/ checked it).
 */
import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../shared/testing/deciderSpec.js';
import { paymentIntentDecider, type PlacementFacts } from './index.js';
import { card, commandsFor, eventsFor, qr } from './testing/fixtures.js';

const given = deciderSpec(paymentIntentDecider, (actual, expected) => {
  expect(actual).toStrictEqual(expected);
});

const accepted: PlacementFacts = {
  store: { status: 'open', merchantId: 'mer_01' },
  merchant: { status: 'active', clientPartnerId: 'cp_01' },
  terminal: { status: 'active', storeId: 'str_01' },
  providerConfig: { status: 'enabled' },
};

describe('placement of a new intent', () => {
  it('creates the intent under the store’s merchant', () => {
    given([])
      .when(commandsFor(qr).create({ placement: accepted }))
      .then([eventsFor(qr).created]);
  });

  const broken = {
    store: { status: 'closed', merchantId: 'mer_01' },
    merchant: { status: 'suspended', clientPartnerId: 'cp_01' },
    terminal: { status: 'deactivated', storeId: 'str_01' },
    providerConfig: { status: 'disabled' },
  } as const satisfies PlacementFacts;
  // Each row breaks its rule and every later one.
  it.each([
    ['tenancy.store_not_found', 'a store never opened', { ...broken, store: { status: 'not_opened' }, merchant: { status: 'not_onboarded' } }],
    ['tenancy.store_not_found', "another partner's store", { ...broken, merchant: { status: 'suspended', clientPartnerId: 'cp_02' } }],
    ['tenancy.store_closed', 'a closed store', broken],
    ['tenancy.merchant_not_active', 'a suspended merchant', { ...broken, store: accepted.store }],
    ['tenancy.merchant_not_active', 'a closed merchant', { ...broken, store: accepted.store, merchant: { status: 'closed', clientPartnerId: 'cp_01' } }],
    ['tenancy.terminal_not_found', 'an unregistered terminal', { ...broken, store: accepted.store, merchant: accepted.merchant, terminal: { status: 'unregistered' } }],
    [
      'tenancy.terminal_not_found',
      "another store's terminal",
      { ...broken, store: accepted.store, merchant: accepted.merchant, terminal: { status: 'deactivated', storeId: 'str_02' } },
    ],
    ['tenancy.terminal_deactivated', 'a deactivated terminal', { ...broken, store: accepted.store, merchant: accepted.merchant }],
    ['payment_intent.provider_mismatch', 'a disabled provider', { ...accepted, providerConfig: { status: 'disabled' } }],
    ['payment_intent.provider_mismatch', 'a provider never configured', { ...accepted, providerConfig: { status: 'not_configured' } }],
    ['payment_intent.provider_mismatch', 'a provider not loaded', { ...accepted, providerConfig: null }],
  ] as const)('refuses %s: %s', (code, _name, placement: PlacementFacts) => {
    given([]).when(commandsFor(qr).create({ placement })).thenThrows(code);
  });

  it('ignores the provider facts of an intent that names no provider', () => {
    given([])
      .when(commandsFor(card).create({ placement: { ...accepted, providerConfig: null } }))
      .then([eventsFor(card).created]);
  });

  it('comes before the mode rules: a cash intent naming a provider at a closed store is store_closed', () => {
    given([])
      .when(
        commandsFor(card).create({ mode: 'manual', provider: 'paypay', captureMethod: 'manual', placement: { ...accepted, store: { status: 'closed', merchantId: 'mer_01' } } }),
      )
      .thenThrows('tenancy.store_closed');
  });

  it('comes before the idempotency check: the same create re-issued at a closed store is store_closed', () => {
    given([eventsFor(card).created])
      .when(commandsFor(card).create({ placement: { ...accepted, store: { status: 'closed', merchantId: 'mer_01' } } }))
      .thenThrows('tenancy.store_closed');
  });

  it('refuses the same id placed under another merchant as already_exists', () => {
    given([eventsFor(card).created])
      .when(commandsFor(card).create({ placement: { ...accepted, store: { status: 'open', merchantId: 'mer_02' } } }))
      .thenThrows('payment_intent.already_exists');
  });
});
