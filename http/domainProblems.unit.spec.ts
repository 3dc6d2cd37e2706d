/** The one error→status table at the HTTP edge: every aggregate's refusals, and the stored-event failure. */
import { describe, expect, it } from 'vitest';
import { paymentIntentError } from '../domain/paymentIntent/index.js';
import { SettlementError } from '../domain/settlement/index.js';
import { DomainError } from '../domain/shared/index.js';
import { TenancyError } from '../domain/tenancy/index.js';
import { UndecodableEventError } from '../schemas/events/index.js';
import { domainProblem, undecodableEventProblem } from './domainProblems.js';

describe('domainProblem', () => {
  it.each([
    [new TenancyError('tenancy.merchant_not_found', 'no merchant'), 404],
    [new TenancyError('tenancy.invalid_time_zone', 'bad zone'), 422],
    [new TenancyError('tenancy.merchant_closed', 'closed'), 409],
    [new SettlementError('settlement.batch_already_closed', 'closed'), 409],
    [new SettlementError('settlement.business_day_not_over', 'not yet'), 422],
    [paymentIntentError('payment_intent.not_found', 'no intent'), 404],
    [paymentIntentError('payment_intent.refund_exceeds_received', 'too much'), 422],
  ])('maps %s to its status, with its code and detail', (error, status) => {
    expect(domainProblem(error)).toMatchObject({ status, code: error.code, detail: error.detail });
  });

  it('tenancy errors are domain errors (one family)', () => {
    expect(new TenancyError('tenancy.store_closed', 'closed')).toBeInstanceOf(DomainError);
  });

  it('leaves anything else to the error handler', () => {
    expect(domainProblem(new Error('boom'))).toBeUndefined();
    expect(domainProblem(new DomainError('someone_elses.code', 'x'))).toBeUndefined();
  });

  it('answers a stored event that does not decode with 500 stored_event_undecodable, without internals', () => {
    const error = new UndecodableEventError({ id: 'e1', stream: 'PaymentIntent-pi_1', revision: 2, type: 'RefundRequested', schemaVersion: 9, data: {} }, 'unknown schema version');
    const body = undecodableEventProblem(error);
    expect(body).toMatchObject({ status: 500, code: 'stored_event_undecodable' });
    expect(JSON.stringify(body)).not.toContain('PaymentIntent-pi_1');
  });
});
