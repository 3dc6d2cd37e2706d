/**
 * What this proves: capture, cancel and expiry (payments.md T13, T15–T19, Stripe §1.2–1.3). A hold
 * is captured once, in full or in part, never above the capturable amount and never after it
 * expired, and the rest is released. Cancel closes any open status with a reason and releases a
 * hold; expiry does the same only once its deadline has passed (`expiresAt` for an unpaid intent,
 * `captureBefore` for a hold). `completed` and `canceled` are final: everything else is refused there.
 */
import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../shared/testing/deciderSpec.js';
import { paymentIntentDecider } from './index.js';
import type { PaymentIntentEvent, SystemCancellationReason, UserCancellationReason } from './index.js';
import { approved, at, cardAuthOnly, commandsFor, declined, eventsFor, price, qr, qrPreAuth, succeeded, yen } from './testing/fixtures.js';
import type { Setup } from './testing/fixtures.js';

const given = deciderSpec(paymentIntentDecider, (actual, expected) => {
  expect(actual).toStrictEqual(expected);
});

const c = commandsFor(qrPreAuth);
const e = eventsFor(qrPreAuth);
const held: PaymentIntentEvent[] = [e.created, e.started('att_1'), e.authorized('att_1')];
const captured = (amountCaptured: number, occurredAt: string = at.t3) =>
  e.event('PaymentIntentCaptured', occurredAt, {
    attemptId: 'att_1',
    amountAuthorized: price,
    amountCaptured: yen(amountCaptured),
    amountReleased: yen(price.amountMinor - amountCaptured),
  });
describe('when requires_capture: capture', () => {
  it('captures everything when no amount is given', () => {
    given(held)
      .when(c.capture(null))
      .then([captured(1100)]);
  });

  it('captures part and releases the rest', () => {
    given(held)
      .when(c.capture(yen(800)))
      .then([captured(800)]);
  });

  it('captures exactly the capturable amount', () => {
    given(held)
      .when(c.capture(price))
      .then([captured(1100)]);
  });

  // Each row breaks its rule and every later one.
  it.each([
    ['payment_intent.invalid_timestamp', c.capture({ amountMinor: 0, currency: 'USD' }, '2025-06-08')],
    ['payment_intent.invalid_amount', c.capture({ amountMinor: 0, currency: 'USD' }, at.captureBefore)],
    ['payment_intent.currency_mismatch', c.capture({ amountMinor: 1101, currency: 'USD' }, at.captureBefore)],
    ['payment_intent.authorization_expired', c.capture(yen(1101), at.captureBefore)],
    ['payment_intent.amount_exceeds_authorized', c.capture(yen(1101))],
  ] as const)('refuses a capture with %s', (code, command) => {
    given(held).when(command).thenThrows(code);
  });

  it('refuses a capture on an intent that is not held', () => {
    const q = eventsFor(qr);
    given([q.created, q.started('att_1')])
      .when(commandsFor(qr).capture(null))
      .thenThrows('payment_intent.invalid_state_transition');
  });
});

describe('when completed by a capture', () => {
  it.each([
    ['the same partial amount', 800, yen(800)],
    ['the same full amount', 1100, price],
    ['no amount after a full capture', 1100, null],
  ] as const)('answers [] to %s', (_name, amount, asked) => {
    given([...held, captured(amount)])
      .when(c.capture(asked, '2025-06-09T00:00:00.000Z'))
      .thenNothingHappened();
  });

  it.each([
    ['another amount', 800, yen(700)],
    ['no amount after a partial capture', 800, null],
  ] as const)('refuses a second capture for %s', (_name, amount, asked) => {
    given([...held, captured(amount)])
      .when(c.capture(asked))
      .thenThrows('payment_intent.already_captured');
  });
});

describe('when requires_capture: cancel and expire', () => {
  it('cancels and releases the hold', () => {
    given(held)
      .when(c.cancel('fraudulent'))
      .then([canceledEvent('fraudulent', { statusBefore: 'requires_capture', attemptId: 'att_1', released: 1100 }, at.t3)]);
  });

  it('refuses to expire the hold before captureBefore, even past expiresAt', () => {
    given(held).when(c.expire('2025-06-07T23:59:59.999Z')).thenThrows('payment_intent.not_yet_expired');
  });

  it('expires the hold at captureBefore, as automatic', () => {
    given(held)
      .when(c.expire(at.captureBefore))
      .then([expiredEvent('automatic', { statusBefore: 'requires_capture', attemptId: 'att_1', released: 1100 }, at.captureBefore)]);
  });

  it('holds a card auth the same way', () => {
    const k = eventsFor(cardAuthOnly);
    given([k.created, k.started('att_1')])
      .when(commandsFor(cardAuthOnly).cardResult(approved(price, at.captureBefore)))
      .then([k.authorized('att_1')]);
  });
});

describe('when pending or requires_action: cancel and expire', () => {
  const q = eventsFor(qr);
  const cq = commandsFor(qr);

  it('cancels a pending intent with its reason and no attempt', () => {
    given([q.created])
      .when(cq.cancel('duplicate'))
      .then([canceledEvent('duplicate', { statusBefore: 'pending', attemptId: null, released: 0 }, at.t3, qr)]);
  });

  it('cancels while the QR is shown and closes its attempt', () => {
    given([q.created, q.started('att_1')])
      .when(cq.cancel('abandoned'))
      .then([canceledEvent('abandoned', { statusBefore: 'requires_action', attemptId: 'att_1', released: 0 }, at.t3, qr)]);
  });

  it('refuses to expire before expiresAt', () => {
    given([q.created]).when(cq.expire('2025-06-01T10:14:59.999Z')).thenThrows('payment_intent.not_yet_expired');
  });

  it('expires at expiresAt', () => {
    given([q.created, q.started('att_1')])
      .when(cq.expire(at.expiresAt))
      .then([expiredEvent('expired', { statusBefore: 'requires_action', attemptId: 'att_1', released: 0 }, at.expiresAt, qr)]);
  });
});

describe('when canceled', () => {
  const q = eventsFor(qr);
  const cq = commandsFor(qr);
  const canceled = [q.created, q.started('att_1'), canceledEvent('duplicate', { statusBefore: 'requires_action', attemptId: 'att_1', released: 0 }, at.t3, qr)];

  it('answers [] to the same cancel and to an expiry', () => {
    given(canceled)
      .when(cq.cancel('duplicate', false, at.expiresAt))
      .thenNothingHappened();
    given(canceled).when(cq.expire('2025-06-02T00:00:00.000Z')).thenNothingHappened();
  });

  it('refuses a cancel for another reason', () => {
    given(canceled).when(cq.cancel('fraudulent')).thenThrows('payment_intent.already_canceled');
  });

  it.each([
    ['a new attempt', cq.confirm('att_2')],
    ['a capture', cq.capture(null)],
    ['a refund', cq.refund('rf_1', price)],
  ] as const)('refuses %s', (_name, command) => {
    given(canceled).when(command).thenThrows('payment_intent.invalid_state_transition');
  });
});

describe('when completed', () => {
  const q = eventsFor(qr);
  const cq = commandsFor(qr);
  const completed = [q.created, q.started('att_1'), q.succeeded('att_1')];

  it.each([
    ['a new attempt', cq.confirm('att_2'), 'payment_intent.invalid_state_transition'],
    ['a capture', cq.capture(null), 'payment_intent.invalid_state_transition'],
    ['a cancel', cq.cancel(), 'payment_intent.invalid_state_transition'],
    ['a cancel the provider accepted', cq.cancel('abandoned', true), 'payment_intent.invalid_state_transition'],
    ['an expiry', cq.expire('2025-06-02T00:00:00.000Z'), 'payment_intent.invalid_state_transition'],
    ['a failure for the paid attempt', cq.providerResult({ outcome: 'failed', code: 'X', message: 'x' }), 'payment_intent.attempt_result_conflict'],
    ['a card result', commandsFor(cardAuthOnly).cardResult(declined), 'payment_intent.mode_mismatch'],
  ] as const)('refuses %s', (_name, command, code) => {
    given(completed).when(command).thenThrows(code);
  });

  it('answers [] to the payment reported again', () => {
    given(completed).when(cq.providerResult(succeeded())).thenNothingHappened();
  });
});

type Closing = Readonly<{
  statusBefore: 'pending' | 'requires_action' | 'requires_capture';
  attemptId: string | null;
  released: number;
}>;

function canceledEvent(reason: UserCancellationReason, closing: Closing, occurredAt: string, setup: Setup = qrPreAuth): PaymentIntentEvent {
  const { statusBefore, attemptId, released } = closing;
  const data = { amount: price, cancellationReason: reason, statusBefore, attemptId, amountReleased: yen(released) };
  return eventsFor(setup).event('PaymentIntentCanceled', occurredAt, data);
}

function expiredEvent(reason: SystemCancellationReason, closing: Closing, occurredAt: string, setup: Setup = qrPreAuth): PaymentIntentEvent {
  const { statusBefore, attemptId, released } = closing;
  const data = { amount: price, cancellationReason: reason, statusBefore, attemptId, amountReleased: yen(released) };
  return eventsFor(setup).event('PaymentIntentExpired', occurredAt, data);
}
