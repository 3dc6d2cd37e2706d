/**
 * What this proves: how an attempt's result moves the intent (payments.md T9–T12, T17, §4.5).
 * While the attempt is active, an approval completes the intent (or holds it in `requires_capture`
 * for manual capture), a decline or failure returns it to `pending` with `lastPaymentError`, and an
 * unknown outcome parks it in `processing`, from which only a resolution or a provider-accepted QR
 * cancel leads out. A positive result for the wrong amount is refused as a mismatch that requires
 * compensation. Card numbers must arrive masked. Re-reports answer `[]`; contradictions are refused.
 */
import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../shared/testing/deciderSpec.js';
import { paymentIntentDecider } from './index.js';
import {
  approved,
  at,
  authorized,
  card,
  cardAuthOnly,
  cardDetails,
  commandsFor,
  declined,
  eventsFor,
  price,
  providerFailed,
  qr,
  qrPreAuth,
  succeeded,
  yen,
} from './testing/fixtures.js';

const given = deciderSpec(paymentIntentDecider, (actual, expected) => {
  expect(actual).toStrictEqual(expected);
});

describe('when requires_action: card, outcomes', () => {
  const c = commandsFor(card);
  const e = eventsFor(card);
  const waiting = [e.created, e.started('att_1')];

  it('completes on approval', () => {
    given(waiting)
      .when(c.cardResult(approved()))
      .then([e.succeeded('att_1')]);
  });

  it('returns to pending with the decline as lastPaymentError', () => {
    given(waiting)
      .when(c.cardResult(declined))
      .then([e.declined('att_1')]);
  });

  it('waits in processing when the card app cannot tell', () => {
    given(waiting)
      .when(c.cardResult({ outcome: 'unknown' }))
      .then([e.unknown('att_1')]);
  });

  it('refuses an approval for another amount as a mismatch to reverse', () => {
    const reported = { outcome: 'succeeded', amount: yen(1000), details: cardDetails, captureBefore: null } as const;
    const error = {
      type: 'card_error',
      code: 'amount_mismatch',
      declineCode: null,
      message: 'Reported 1000, expected 1100; the attempt will be compensated.',
      attemptId: 'att_1',
    } as const;
    given(waiting)
      .when(c.cardResult(approved(yen(1000))))
      .then([
        e.event('PaymentAttemptAmountMismatched', at.t2, {
          attemptId: 'att_1',
          amountExpected: price,
          reported,
          error,
          requiredCompensation: 'reverse_payment',
        }),
      ]);
  });
});

describe('when requires_action: card, refusals', () => {
  const c = commandsFor(card);
  const e = eventsFor(card);
  const waiting = [e.created, e.started('att_1')];

  it.each(['4242424242424242', '424242****4242x', '4242******4242', '************4242'])('refuses the card number %s as not masked', (maskedPan) => {
    given(waiting)
      .when(c.cardResult({ ...approved(), maskedPan }))
      .thenThrows('payment_intent.card_number_not_masked');
  });

  it('accepts an 8-digit BIN with the last four', () => {
    const result = { ...approved(), maskedPan: '42424242****4242' };
    const details = { ...cardDetails, maskedPan: '42424242****4242' };
    given(waiting)
      .when(c.cardResult(result))
      .then([e.event('PaymentAttemptSucceeded', at.t2, { attemptId: 'att_1', amount: price, details })]);
  });

  // Each row breaks its rule and every later one.
  it.each([
    ['payment_intent.invalid_id', c.cardResult({ ...approved({ amountMinor: 0, currency: 'USD' }), maskedPan: '4242424242424242' }, 'a b', 'now')],
    ['payment_intent.invalid_timestamp', c.cardResult({ ...approved({ amountMinor: 0, currency: 'USD' }), maskedPan: '4242424242424242' }, 'att_9', 'now')],
    ['payment_intent.invalid_amount', c.cardResult({ ...approved({ amountMinor: 0, currency: 'USD' }), maskedPan: '4242424242424242' }, 'att_9')],
    ['payment_intent.card_number_not_masked', c.cardResult({ ...approved({ amountMinor: 5, currency: 'USD' }), maskedPan: '4242424242424242' }, 'att_9')],
    ['payment_intent.currency_mismatch', c.cardResult(approved({ amountMinor: 5, currency: 'USD' }), 'att_9')],
    ['payment_intent.attempt_not_found', c.cardResult(approved(), 'att_9')],
  ] as const)('refuses a card result with %s', (code, command) => {
    given(waiting).when(command).thenThrows(code);
  });

  it('refuses a provider result on a card intent', () => {
    given(waiting).when(commandsFor(qr).providerResult(succeeded())).thenThrows('payment_intent.mode_mismatch');
  });
});

describe('when requires_action: card, auth only', () => {
  const c = commandsFor(cardAuthOnly);
  const e = eventsFor(cardAuthOnly);
  const waiting = [e.created, e.started('att_1')];

  it('holds the money until capture', () => {
    given(waiting)
      .when(c.cardResult(approved(price, at.captureBefore)))
      .then([e.authorized('att_1')]);
  });

  it('refuses an approval that does not say when the hold expires', () => {
    given(waiting)
      .when(c.cardResult(approved(price, null)))
      .thenThrows('payment_intent.capture_deadline_required');
  });
});

describe('when requires_action: QR', () => {
  const c = commandsFor(qr);
  const e = eventsFor(qr);
  const waiting = [e.created, e.started('att_1')];

  it('completes when the provider reports the payment', () => {
    given(waiting)
      .when(c.providerResult(succeeded()))
      .then([e.succeeded('att_1')]);
  });

  it('returns to pending with the provider error', () => {
    given(waiting)
      .when(c.providerResult(providerFailed))
      .then([e.providerFailed('att_1')]);
  });

  it('waits in processing on a timeout', () => {
    given(waiting)
      .when(c.providerResult({ outcome: 'unknown' }))
      .then([e.unknown('att_1')]);
  });

  it('refuses an authorization for an intent that captures automatically', () => {
    given(waiting).when(c.providerResult(authorized())).thenThrows('payment_intent.authorization_not_requested');
  });

  it('holds a pre-authorization until capture', () => {
    const p = eventsFor(qrPreAuth);
    given([p.created, p.started('att_1')])
      .when(commandsFor(qrPreAuth).providerResult(authorized()))
      .then([p.authorized('att_1')]);
  });

  it('records a payment the provider took at once on a pre-auth intent as completed', () => {
    const p = eventsFor(qrPreAuth);
    given([p.created, p.started('att_1')])
      .when(commandsFor(qrPreAuth).providerResult(succeeded()))
      .then([p.succeeded('att_1')]);
  });

  it('refuses a card result on a QR intent', () => {
    given(waiting).when(commandsFor(card).cardResult(approved())).thenThrows('payment_intent.mode_mismatch');
  });
});

describe('when processing', () => {
  const c = commandsFor(qr);
  const e = eventsFor(qr);
  const inDoubt = [e.created, e.started('att_1'), e.unknown('att_1')];

  it('completes when the query finds the payment', () => {
    given(inDoubt)
      .when(c.providerResult(succeeded(), 'att_1', at.t3))
      .then([e.succeeded('att_1', at.t3)]);
  });

  it('returns to pending when the query finds a failure', () => {
    given(inDoubt)
      .when(c.providerResult(providerFailed, 'att_1', at.t3))
      .then([e.providerFailed('att_1', at.t3)]);
  });

  it('answers [] to another unknown', () => {
    given(inDoubt)
      .when(c.providerResult({ outcome: 'unknown' }, 'att_1', at.t3))
      .thenNothingHappened();
  });

  it('cancels once the provider accepted a cancel of the attempt', () => {
    given(inDoubt)
      .when(c.cancel('abandoned', true))
      .then([
        e.event('PaymentIntentCanceled', at.t3, {
          amount: price,
          cancellationReason: 'abandoned',
          statusBefore: 'processing',
          attemptId: 'att_1',
          amountReleased: yen(0),
        }),
      ]);
  });

  it.each([
    ['a QR cancel the provider has not accepted', inDoubt, c.cancel('abandoned', false)],
    ['a card cancel, which no provider can accept', [eventsFor(card).created, eventsFor(card).started(), eventsFor(card).unknown()], commandsFor(card).cancel('abandoned', true)],
    ['an expiry', inDoubt, c.expire('2025-06-02T00:00:00.000Z')],
  ] as const)('refuses %s while the outcome is unknown', (_name, events, command) => {
    given(events).when(command).thenThrows('payment_intent.outcome_pending');
  });
});

describe('when a result is re-reported or contradicted', () => {
  const c = commandsFor(card);
  const e = eventsFor(card);

  it.each([
    ['the same approval', [e.succeeded('att_1')], approved()],
    ['the same decline', [e.declined('att_1')], declined],
    ['an unknown after the approval', [e.succeeded('att_1')], { outcome: 'unknown' } as const],
    ['an unknown after the decline', [e.declined('att_1')], { outcome: 'unknown' } as const],
  ] as const)('answers [] to %s', (_name, outcome, result) => {
    given([e.created, e.started('att_1'), ...outcome])
      .when(c.cardResult(result, 'att_1', at.t3))
      .thenNothingHappened();
  });

  it.each([
    ['a decline after the approval', [e.succeeded('att_1')], declined],
    ['another approval number', [e.succeeded('att_1')], { ...approved(), approvalNumber: '999999' }],
    ['another decline code', [e.declined('att_1')], { ...declined, declineCode: 'lost_card' }],
  ] as const)('refuses %s as a conflict', (_name, outcome, result) => {
    given([e.created, e.started('att_1'), ...outcome])
      .when(c.cardResult(result, 'att_1', at.t3))
      .thenThrows('payment_intent.attempt_result_conflict');
  });
});
