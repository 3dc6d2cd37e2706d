/**
 * What this proves: a closed intent is never silently reopened (payments.md §4.5 step 6). A positive
 * result that arrives for an attempt the cancel closed, or for an attempt already recorded as
 * failed, is recorded as a late success that requires compensation (a reversal for taken money, a
 * void for a hold) while the intent's status and amounts stay as they were. The compensation is
 * then recorded once, with a method that fits the requirement.
 */
import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../shared/testing/deciderSpec.js';
import { fold, paymentIntentDecider } from './index.js';
import type { PaymentIntentEvent } from './index.js';
import {
  approved,
  at,
  authorized,
  card,
  cardDetails,
  commandsFor,
  declined,
  eventsFor,
  price,
  providerFailed,
  qr,
  qrDetails,
  qrPreAuth,
  succeeded,
  yen,
} from './testing/fixtures.js';

const given = deciderSpec(paymentIntentDecider, (actual, expected) => {
  expect(actual).toStrictEqual(expected);
});

const later = '2025-06-01T11:00:00.000Z';
const e = eventsFor(qr);
const c = commandsFor(qr);
const canceledWhileWaiting: PaymentIntentEvent[] = [
  e.created,
  e.started('att_1'),
  e.event('PaymentIntentCanceled', at.t3, {
    amount: price,
    cancellationReason: 'requested_by_customer',
    statusBefore: 'requires_action',
    attemptId: 'att_1',
    amountReleased: yen(0),
  }),
];
const lateSuccess = e.event('PaymentAttemptSucceededAfterCancel', later, {
  attemptId: 'att_1',
  reported: { outcome: 'succeeded', amount: price, details: qrDetails, captureBefore: null },
  requiredCompensation: 'reverse_payment',
});

describe('when canceled and the provider reports a payment after all', () => {
  it('records the late success and requires a reversal', () => {
    given(canceledWhileWaiting)
      .when(c.providerResult(succeeded(), 'att_1', later))
      .then([lateSuccess]);
  });

  it('leaves the intent canceled with nothing received', () => {
    const state = fold([...canceledWhileWaiting, lateSuccess]);
    expect(state.status).toBe('canceled');
    expect(state.status !== 'absent' && state.amountReceived).toStrictEqual(yen(0));
    expect(state.status !== 'absent' && state.attempts.map((attempt) => attempt.status)).toStrictEqual(['compensation_required']);
  });

  it('answers [] when the provider reports it again, and to a later FAILED (the reversal took effect)', () => {
    given([...canceledWhileWaiting, lateSuccess])
      .when(c.providerResult(succeeded(), 'att_1', later))
      .thenNothingHappened();
    given([...canceledWhileWaiting, lateSuccess])
      .when(c.providerResult(providerFailed, 'att_1', later))
      .thenNothingHappened();
  });

  it('answers [] to a FAILED for the canceled attempt', () => {
    given(canceledWhileWaiting)
      .when(c.providerResult(providerFailed, 'att_1', later))
      .thenNothingHappened();
  });

  it('requires a void for a late pre-authorization', () => {
    const p = eventsFor(qrPreAuth);
    const canceled = p.event('PaymentIntentCanceled', at.t3, {
      amount: price,
      cancellationReason: 'abandoned',
      statusBefore: 'requires_action',
      attemptId: 'att_1',
      amountReleased: yen(0),
    });
    given([p.created, p.started('att_1'), canceled])
      .when(commandsFor(qrPreAuth).providerResult(authorized(), 'att_1', later))
      .then([
        p.event('PaymentAttemptSucceededAfterCancel', later, {
          attemptId: 'att_1',
          reported: { outcome: 'authorized', amount: price, details: qrDetails, captureBefore: at.captureBefore },
          requiredCompensation: 'void_authorization',
        }),
      ]);
  });
});

describe('when an attempt failed and its success is reported later', () => {
  it('records the late success on a card, whatever the intent did since', () => {
    const k = eventsFor(card);
    const history = [k.created, k.started('att_1'), k.declined('att_1'), k.started('att_2', at.t3), k.succeeded('att_2', at.t3)];
    given(history)
      .when(commandsFor(card).cardResult(approved(), 'att_1', later))
      .then([
        k.event('PaymentAttemptSucceededAfterFailure', later, {
          attemptId: 'att_1',
          reported: { outcome: 'succeeded', amount: price, details: cardDetails, captureBefore: null },
          requiredCompensation: 'reverse_payment',
        }),
      ]);
  });

  it('does not let the late success reopen a pending intent', () => {
    const k = eventsFor(card);
    const lateFailure = k.event('PaymentAttemptSucceededAfterFailure', later, {
      attemptId: 'att_1',
      reported: { outcome: 'succeeded', amount: price, details: cardDetails, captureBefore: null },
      requiredCompensation: 'reverse_payment',
    });
    const state = fold([k.created, k.started('att_1'), k.declined('att_1'), lateFailure]);
    expect(state.status).toBe('pending');
    expect(state.status === 'pending' && state.amountReceived).toStrictEqual(yen(0));
    given([k.created, k.started('att_1'), k.declined('att_1'), lateFailure])
      .when(commandsFor(card).cardResult(declined, 'att_1'))
      .thenNothingHappened();
  });
});

describe('when compensation is recorded', () => {
  const compensated = e.event('PaymentAttemptCompensated', later, {
    attemptId: 'att_1',
    amount: price,
    method: 'payment_reversed',
  });
  const history = [...canceledWhileWaiting, lateSuccess];

  it('records the reversal, on a canceled intent too', () => {
    given(history)
      .when(c.compensate('att_1', 'payment_reversed', later))
      .then([compensated]);
  });

  it('accepts a refund as the compensation of taken money', () => {
    given(history)
      .when(c.compensate('att_1', 'payment_refunded', later))
      .then([e.event('PaymentAttemptCompensated', later, { attemptId: 'att_1', amount: price, method: 'payment_refunded' })]);
  });

  it('answers [] to the same record, and refuses another method', () => {
    given([...history, compensated])
      .when(c.compensate('att_1', 'payment_reversed', later))
      .thenNothingHappened();
    given([...history, compensated])
      .when(c.compensate('att_1', 'payment_refunded', later))
      .thenThrows('payment_intent.attempt_result_conflict');
  });

  it.each([
    ['a void for taken money', history, 'att_1', 'authorization_voided'],
    ['an attempt that took nothing', canceledWhileWaiting, 'att_1', 'payment_reversed'],
  ] as const)('refuses %s', (_name, events, attemptId, method) => {
    given(events)
      .when(c.compensate(attemptId, method, later))
      .thenThrows('payment_intent.attempt_not_compensable');
  });

  it('refuses an unknown attempt', () => {
    given(history)
      .when(c.compensate('att_9', 'payment_reversed', later))
      .thenThrows('payment_intent.attempt_not_found');
  });
});
