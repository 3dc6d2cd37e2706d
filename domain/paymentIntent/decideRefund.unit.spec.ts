/**
 * What this proves: refunds (payments.md R1–R5, Stripe §1.4, invariant I4). Refunds are partial and
 * multiple, only from `completed`, to the original method; cash and card refunds complete on
 * request, a QR refund stays pending until the provider answers. Pending and succeeded refunds
 * together never exceed the amount received (a pending refund already counts; a failed one frees
 * its amount). A refund id re-issued with the same data answers `[]`, with other data it is refused;
 * a provider answer is applied once. The derived `amountRefunded` and `refundStatus` follow.
 */
import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../shared/testing/deciderSpec.js';
import { amountRefundable, amountRefunded, fold, paymentIntentDecider, refundStatus } from './index.js';
import type { PaymentIntentEvent } from './index.js';
import { at, card, cash, commandsFor, eventsFor, price, qr, yen } from './testing/fixtures.js';

const given = deciderSpec(paymentIntentDecider, (actual, expected) => {
  expect(actual).toStrictEqual(expected);
});

const q = eventsFor(qr);
const cq = commandsFor(qr);
const paidByQr: PaymentIntentEvent[] = [q.created, q.started('att_1'), q.succeeded('att_1')];
const refundFailed = (refundId: string, amount: number) => q.event('RefundFailed', at.t3, { refundId, amount: yen(amount), failureReason: 'REFUND_WINDOW_EXCEED' });

describe('when completed: cash and card refunds', () => {
  it('refunds cash at once, to cash', () => {
    const k = eventsFor(cash);
    given([k.created, k.cashReceived(yen(2000))])
      .when(commandsFor(cash).refund('rf_1', yen(300)))
      .then([k.refundRequested('rf_1', yen(300)), k.refundSucceeded('rf_1', yen(300))]);
  });

  it('refunds a card at once, to the card', () => {
    const k = eventsFor(card);
    given([k.created, k.started('att_1'), k.succeeded('att_1')])
      .when(commandsFor(card).refund('rf_1', price))
      .then([k.refundRequested('rf_1', price), k.refundSucceeded('rf_1', price)]);
  });

  it('refuses a provider answer for a refund that completed on request', () => {
    const k = eventsFor(card);
    const history = [k.created, k.started('att_1'), k.succeeded('att_1'), k.refundRequested('rf_1', price), k.refundSucceeded('rf_1', price)];
    given(history)
      .when(commandsFor(card).refundResult('rf_1', { outcome: 'succeeded', providerRefundId: 'x' }))
      .thenThrows('payment_intent.mode_mismatch');
  });
});

describe('when completed: QR refunds', () => {
  it('leaves a QR refund pending until the provider answers', () => {
    given(paidByQr)
      .when(cq.refund('rf_1', yen(300)))
      .then([q.refundRequested('rf_1', yen(300))]);
  });

  it('completes the pending refund on the provider answer, once', () => {
    const pending = [...paidByQr, q.refundRequested('rf_1', yen(300))];
    const done = q.refundSucceeded('rf_1', yen(300), 'paypay_rf_1');
    given(pending)
      .when(cq.refundResult('rf_1', { outcome: 'succeeded', providerRefundId: 'paypay_rf_1' }))
      .then([done]);
    given([...pending, done])
      .when(cq.refundResult('rf_1', { outcome: 'succeeded', providerRefundId: 'paypay_rf_1' }))
      .thenNothingHappened();
    given([...pending, done])
      .when(cq.refundResult('rf_1', { outcome: 'failed', failureReason: 'late' }))
      .thenThrows('payment_intent.refund_result_conflict');
  });

  it('fails the pending refund and frees its amount', () => {
    const pending = [...paidByQr, q.refundRequested('rf_1', price)];
    given(pending)
      .when(cq.refundResult('rf_1', { outcome: 'failed', failureReason: 'REFUND_WINDOW_EXCEED' }))
      .then([refundFailed('rf_1', 1100)]);
    given([...pending, refundFailed('rf_1', 1100)])
      .when(cq.refund('rf_2', price))
      .then([q.refundRequested('rf_2', price)]);
  });

  it('refuses an answer for an unknown refund', () => {
    given(paidByQr)
      .when(cq.refundResult('rf_9', { outcome: 'succeeded', providerRefundId: 'x' }))
      .thenThrows('payment_intent.refund_not_found');
  });
});

describe('when completed: the refundable amount', () => {
  it('counts a pending refund against the next one', () => {
    const pending = [...paidByQr, q.refundRequested('rf_1', yen(1000))];
    given(pending)
      .when(cq.refund('rf_2', yen(101)))
      .thenThrows('payment_intent.refund_exceeds_received');
    given(pending)
      .when(cq.refund('rf_2', yen(100)))
      .then([q.refundRequested('rf_2', yen(100))]);
  });

  it('refuses one yen above the amount received', () => {
    given(paidByQr)
      .when(cq.refund('rf_1', yen(1101)))
      .thenThrows('payment_intent.refund_exceeds_received');
  });

  // Each row breaks its rule and every later one.
  it.each([
    ['payment_intent.invalid_id', cq.refund('rf 1', { amountMinor: 0, currency: 'USD' }, 'duplicate', 'now')],
    ['payment_intent.invalid_timestamp', cq.refund('rf_1', { amountMinor: 0, currency: 'USD' }, 'duplicate', 'now')],
    ['payment_intent.invalid_amount', cq.refund('rf_1', { amountMinor: 0, currency: 'USD' }, 'duplicate')],
    ['payment_intent.currency_mismatch', cq.refund('rf_1', { amountMinor: 5000, currency: 'USD' }, 'duplicate')],
    ['payment_intent.refund_id_conflict', cq.refund('rf_1', yen(5000), 'duplicate')],
  ] as const)('refuses a refund with %s', (code, command) => {
    given([...paidByQr, q.refundRequested('rf_1', yen(300))])
      .when(command)
      .thenThrows(code);
  });

  it('answers [] to the same refund id with the same data, even once it failed', () => {
    given([...paidByQr, q.refundRequested('rf_1', yen(300))])
      .when(cq.refund('rf_1', yen(300)))
      .thenNothingHappened();
    given([...paidByQr, q.refundRequested('rf_1', yen(300)), refundFailed('rf_1', 300)])
      .when(cq.refund('rf_1', yen(300)))
      .thenNothingHappened();
  });
});

describe('when completed: derived refund fields', () => {
  it('reports none, partial and full from succeeded refunds only', () => {
    const partial = [...paidByQr, q.refundRequested('rf_1', yen(300)), q.refundSucceeded('rf_1', yen(300), 'p1')];
    const pendingRest = [...partial, q.refundRequested('rf_2', yen(800))];
    const full = [...pendingRest, q.refundSucceeded('rf_2', yen(800), 'p2')];
    const states = [paidByQr, partial, pendingRest, full].map(fold);
    const summary = states.map((state) =>
      state.status === 'absent' ? null : [refundStatus(state), amountRefunded(state).amountMinor, amountRefundable(state).amountMinor, state.status],
    );
    expect(summary).toStrictEqual([
      ['none', 0, 1100, 'completed'],
      ['partial', 300, 800, 'completed'],
      ['partial', 300, 0, 'completed'],
      ['full', 1100, 0, 'completed'],
    ]);
  });
});
