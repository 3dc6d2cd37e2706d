/**
 * What this proves: the PaymentIntent decider's creation and confirmation rules. An absent intent
 * can only be created, in any of the three modes; a created intent is `pending`, and a confirm
 * starts one PaymentAttempt with its own id: cash completes at once with its change, card and QR
 * wait in `requires_action`. Re-issuing an accepted command answers `[]`; the same id with other
 * data, a method of another mode, and a second open attempt are refused. Every refusal table lists
 * its rules in precedence order, and each row breaks its rule AND every later one, so a table
 * fails if two guards swap places.
 */
import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../shared/testing/deciderSpec.js';
import { paymentIntentDecider } from './index.js';
import type { CreatePaymentIntent } from './index.js';
import { at, card, cardAuthOnly, cash, commandsFor, eventsFor, price, qr, qrPreAuth, yen } from './testing/fixtures.js';
import { acceptedPlacement } from './testing/placement.js';

const given = deciderSpec(paymentIntentDecider, (actual, expected) => {
  expect(actual).toStrictEqual(expected);
});

describe('when absent', () => {
  it.each([
    ['cash', cash],
    ['card', card],
    ['card, auth only', cardAuthOnly],
    ['QR', qr],
    ['QR pre-auth', qrPreAuth],
  ])('creates a %s intent', (_name, setup) => {
    given([])
      .when(commandsFor(setup).create())
      .then([eventsFor(setup).created]);
  });

  const brokenCreate: readonly (readonly [string, Partial<CreatePaymentIntent['data']>])[] = [
    ['payment_intent.invalid_id', { storeId: 'str 01' }],
    ['payment_intent.invalid_timestamp', { now: '2025-06-01T10:00:00Z' }],
    ['payment_intent.invalid_amount', { amount: yen(0.5) }],
    [
      'tenancy.store_closed',
      { placement: { ...acceptedPlacement({ clientPartnerId: 'cp_01', merchantId: 'mer_01', storeId: 'str_01' }, null), store: { status: 'closed', merchantId: 'mer_01' } } },
    ],
    ['payment_intent.provider_mismatch', { provider: 'paypay' }],
    ['payment_intent.capture_method_not_supported', { captureMethod: 'manual' }],
    ['payment_intent.invalid_expiry', { expiresAt: at.created }],
  ];
  it.each(brokenCreate.map(([code], index) => [code, index] as const))('refuses a create with %s', (code, index) => {
    const overrides = Object.assign({}, ...brokenCreate.slice(index).map(([, override]) => override)) as object;
    given([]).when(commandsFor(cash).create(overrides)).thenThrows(code);
  });

  it.each([
    ['a QR intent without a provider', qr, { provider: null }, 'payment_intent.provider_mismatch'],
    ['a zero amount', card, { amount: yen(0) }, 'payment_intent.invalid_amount'],
    ['an unsafe amount', card, { amount: yen(2 ** 53) }, 'payment_intent.invalid_amount'],
    ['an expiry before creation', card, { expiresAt: '2025-06-01T09:59:59.999Z' }, 'payment_intent.invalid_expiry'],
  ] as const)('refuses %s', (_name, setup, overrides, code) => {
    given([]).when(commandsFor(setup).create(overrides)).thenThrows(code);
  });

  const c = commandsFor(card);
  it.each([
    c.confirm(),
    c.cardResult({ outcome: 'unknown' }),
    commandsFor(qr).providerResult({ outcome: 'unknown' }),
    c.capture(null),
    c.cancel(),
    c.expire(at.expiresAt),
    c.refund('rf_1', price),
    commandsFor(qr).refundResult('rf_1', { outcome: 'failed', failureReason: 'x' }),
    c.compensate('att_1', 'payment_reversed'),
  ])('refuses $type as not found', (command) => {
    given([]).when(command).thenThrows('payment_intent.not_found');
  });
});

describe('when pending: creation re-issued', () => {
  const c = commandsFor(card);
  const e = eventsFor(card);

  it('answers [] to the same create, even after the expiry has passed', () => {
    given([e.created])
      .when(c.create({ now: at.t1 }))
      .thenNothingHappened();
    given([e.created])
      .when(c.create({ now: '2025-06-02T00:00:00.000Z' }))
      .thenNothingHappened();
  });

  it.each([
    ['amount', { amount: yen(1200) }],
    ['terminal', { terminalId: 'trm_02' }],
    ['capture method', { captureMethod: 'manual' }],
    ['client reference', { clientReferenceId: null }],
    ['expiry, even when the new one is already past', { expiresAt: at.created }],
  ] as const)('refuses the same id with another %s', (_field, overrides) => {
    given([e.created]).when(c.create(overrides)).thenThrows('payment_intent.already_exists');
  });
});

describe('when pending: cash', () => {
  const c = commandsFor(cash);
  const e = eventsFor(cash);

  it('completes at once and records the change', () => {
    given([e.created])
      .when(c.confirmCash(yen(5000)))
      .then([e.cashReceived(yen(5000))]);
  });

  it('accepts the exact amount with no change', () => {
    given([e.created])
      .when(c.confirmCash(price))
      .then([e.cashReceived(price)]);
  });

  it('refuses a tender one yen short', () => {
    given([e.created])
      .when(c.confirmCash(yen(1099)))
      .thenThrows('payment_intent.tendered_less_than_amount');
  });

  // Each row breaks its rule and every later one.
  const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' }) as const;
  it.each([
    ['payment_intent.invalid_id', c.confirmCash(usd(-1), '', 'yesterday')],
    ['payment_intent.invalid_timestamp', c.confirmCash(usd(-1), 'att_1', 'yesterday')],
    ['payment_intent.invalid_amount', c.confirmCash(usd(-1), 'att_1', at.t1)],
    ['payment_intent.currency_mismatch', c.confirmCash(usd(500), 'att_1', at.t1)],
    ['payment_intent.tendered_less_than_amount', c.confirmCash(yen(500), 'att_1', at.t1)],
  ] as const)('refuses a cash confirm with %s', (code, command) => {
    given([e.created]).when(command).thenThrows(code);
  });
});

describe('when pending: card and QR', () => {
  it('starts a card attempt that launches the card app', () => {
    given([eventsFor(card).created])
      .when(commandsFor(card).confirm('att_1'))
      .then([eventsFor(card).started('att_1')]);
  });

  it('starts a QR attempt that displays the QR', () => {
    given([eventsFor(qr).created])
      .when(commandsFor(qr).confirm('att_1'))
      .then([eventsFor(qr).started('att_1')]);
  });

  it.each([
    ['cash on a card intent', card, commandsFor(cash).confirmCash(price)],
    ['card on a cash intent', cash, commandsFor(card).confirm()],
    ['QR on a card intent', card, commandsFor(qr).confirm()],
    ['card on a QR intent', qr, commandsFor(card).confirm()],
  ] as const)('refuses %s as a mode mismatch', (_name, setup, command) => {
    given([eventsFor(setup).created])
      .when(command)
      .thenThrows('payment_intent.mode_mismatch');
  });

  it.each([
    ['capture', commandsFor(card).capture(null)],
    ['refund', commandsFor(card).refund('rf_1', price)],
  ] as const)('refuses a %s before payment', (_name, command) => {
    given([eventsFor(card).created])
      .when(command)
      .thenThrows('payment_intent.invalid_state_transition');
  });

  it('refuses a result for an attempt that was never started', () => {
    given([eventsFor(card).created])
      .when(commandsFor(card).cardResult(declinedResult()))
      .thenThrows('payment_intent.attempt_not_found');
  });
});

describe('when requires_action: confirm re-issued', () => {
  const c = commandsFor(card);
  const e = eventsFor(card);

  it('answers [] to the same attempt id, even later', () => {
    given([e.created, e.started('att_1')])
      .when(c.confirm('att_1', at.t3))
      .thenNothingHappened();
  });

  it('refuses a second open attempt', () => {
    given([e.created, e.started('att_1')])
      .when(c.confirm('att_2'))
      .thenThrows('payment_intent.invalid_state_transition');
  });

  it('refuses a cash attempt id reused with another tender', () => {
    const ec = eventsFor(cash);
    given([ec.created, ec.cashReceived(yen(2000))])
      .when(commandsFor(cash).confirmCash(yen(3000)))
      .thenThrows('payment_intent.attempt_id_conflict');
    given([ec.created, ec.cashReceived(yen(2000))])
      .when(commandsFor(cash).confirmCash(yen(2000)))
      .thenNothingHappened();
  });
});

function declinedResult() {
  return { outcome: 'declined', declineCode: 'do_not_honor', message: 'Declined' } as const;
}
