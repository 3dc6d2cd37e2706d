/**
 * What this proves: `evolve` builds the state `decide` relies on, field by field (Stripe's
 * `amountReceived`, `amountCapturable`, `lastPaymentError`, `canceledAt`, `cancellationReason`, the
 * attempt list and the capture record), and it is total: an event that does not fit the current
 * status, or a type this version does not know, leaves the state exactly as it was instead of
 * throwing.
 */
import { describe, expect, it } from 'vitest';
import { evolve, fold, initialState } from './index.js';
import type { PaymentIntent, PaymentIntentEvent } from './index.js';
import { at, cash, eventsFor, price, qr, qrDetails, qrPreAuth, yen } from './testing/fixtures.js';

const q = eventsFor(qr);

describe('evolve: creation and attempts', () => {
  it('creates a pending intent with nothing received', () => {
    expect(fold([q.created])).toStrictEqual({
      status: 'pending',
      paymentIntentId: 'pi_01',
      amount: price,
      mode: 'pgw_processed',
      provider: 'paypay',
      captureMethod: 'automatic',
      clientPartnerId: 'cp_01',
      merchantId: 'mer_01',
      storeId: 'str_01',
      terminalId: 'trm_01',
      clientReferenceId: 'ref_01',
      createdAt: at.created,
      expiresAt: at.expiresAt,
      attempts: [],
      refunds: [],
      amountReceived: yen(0),
      amountCapturable: yen(0),
      lastPaymentError: null,
    });
  });

  it('keeps the failed attempt and its error, and clears the error when a new attempt starts', () => {
    const failed = fold([q.created, q.started('att_1'), q.providerFailed('att_1')]);
    expect(failed.status === 'pending' && failed.lastPaymentError?.code).toBe('USER_CANCELED');
    const retried = fold([q.created, q.started('att_1'), q.providerFailed('att_1'), q.started('att_2', at.t3)]);
    expect(retried.status === 'requires_action' && [retried.activeAttemptId, retried.lastPaymentError]).toStrictEqual(['att_2', null]);
    expect(retried.status !== 'absent' && retried.attempts.map((attempt) => [attempt.attemptId, attempt.status])).toStrictEqual([
      ['att_1', 'failed'],
      ['att_2', 'requires_action'],
    ]);
  });

  it('completes a cash payment with the tender on its attempt', () => {
    const k = eventsFor(cash);
    const state = fold([k.created, k.cashReceived(yen(5000))]);
    expect(state.status === 'completed' && [state.amountReceived, state.attempts[0]?.tendered, state.completedAt]).toStrictEqual([price, yen(5000), at.t1]);
  });
});

describe('evolve: capture and cancel', () => {
  it('records a partial capture: received the captured part, nothing left capturable', () => {
    const p = eventsFor(qrPreAuth);
    const captured = p.event('PaymentIntentCaptured', at.t3, {
      attemptId: 'att_1',
      amountAuthorized: price,
      amountCaptured: yen(800),
      amountReleased: yen(300),
    });
    const held = fold([p.created, p.started('att_1'), p.authorized('att_1')]);
    expect(held.status === 'requires_capture' && [held.amountCapturable, held.captureBefore]).toStrictEqual([price, at.captureBefore]);
    const state = fold([p.created, p.started('att_1'), p.authorized('att_1'), captured]);
    expect(state.status).toBe('completed');
    expect(state.status === 'completed' && [state.amountReceived, state.amountCapturable, state.capture?.amountReleased]).toStrictEqual([yen(800), yen(0), yen(300)]);
    expect(state.status === 'completed' && state.attempts[0]?.reported).toStrictEqual({
      outcome: 'authorized',
      amount: price,
      details: qrDetails,
      captureBefore: at.captureBefore,
    });
  });

  it('cancels a hold: canceledAt, reason, nothing capturable, the attempt canceled', () => {
    const p = eventsFor(qrPreAuth);
    const canceled = p.event('PaymentIntentCanceled', at.t3, {
      amount: price,
      cancellationReason: 'fraudulent',
      statusBefore: 'requires_capture',
      attemptId: 'att_1',
      amountReleased: price,
    });
    const state = fold([p.created, p.started('att_1'), p.authorized('att_1'), canceled]);
    expect(state.status === 'canceled' && [state.canceledAt, state.cancellationReason, state.amountCapturable, state.attempts[0]?.status]).toStrictEqual([
      at.t3,
      'fraudulent',
      yen(0),
      'canceled',
    ]);
  });
});

describe('evolve is total', () => {
  const pending = fold([q.created]);
  const completed = fold([q.created, q.started('att_1'), q.succeeded('att_1')]);
  const canceled = fold([
    q.created,
    q.event('PaymentIntentCanceled', at.t1, {
      amount: price,
      cancellationReason: 'duplicate',
      statusBefore: 'pending',
      attemptId: null,
      amountReleased: yen(0),
    }),
  ]);

  it.each<[string, PaymentIntent, PaymentIntentEvent]>([
    ['a success on an absent intent', initialState(), q.succeeded('att_1')],
    ['a second creation', pending, q.created],
    ['a success for an attempt that is not active', pending, q.succeeded('att_1')],
    [
      'a capture without a hold',
      completed,
      eventsFor(qr).event('PaymentIntentCaptured', at.t3, {
        attemptId: 'att_1',
        amountAuthorized: price,
        amountCaptured: price,
        amountReleased: yen(0),
      }),
    ],
    [
      'a cancel of a completed intent',
      completed,
      eventsFor(qr).event('PaymentIntentExpired', at.t3, {
        amount: price,
        cancellationReason: 'expired',
        statusBefore: 'pending',
        attemptId: null,
        amountReleased: yen(0),
      }),
    ],
    ['a refund on a canceled intent', canceled, q.refundRequested('rf_1', price)],
    ['an event type from a newer writer', completed, { type: 'PaymentIntentRenamed', data: {} } as unknown as PaymentIntentEvent],
  ])('ignores %s', (_name, state, event) => {
    expect(evolve(state, event)).toBe(state);
  });
});
