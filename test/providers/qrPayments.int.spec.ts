/**
 * QR payments end to end against the provider sandbox process, over real HTTP both ways (the
 * ledger calls the sandbox's PayPay API with OPA-Auth; the sandbox's webhooks reach the ledger's
 * port). Each test names the invariant it protects:
 * - amounts_agree: the ledger's received − refunded equals the provider's net charge;
 * - success_accounted: every provider-side success ends as the completed payment or is given back;
 * - charged_once: no second create for one reference, so never two charges for one attempt;
 * - not_processing: an unknown outcome is settled (by query, or by a cancel at the provider).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmedQrIntent, intentUntil, providerUntil, startQrTestbed, type IntentBody, type QrTestbed } from '../support/qrTestbed.js';

let bed: QrTestbed;
const net = (payment: { amountPaid: number; amountRefunded: number; amountReverted: number }): number => payment.amountPaid - payment.amountRefunded - payment.amountReverted;
const qrShown = (intent: IntentBody): boolean => intent.status === 'requires_action' && intent.next_action?.qr !== null && intent.next_action?.qr !== undefined;
const attemptOf = (intent: IntentBody, attemptId: string): string | undefined => intent.attempts.find((attempt) => attempt.id === attemptId)?.status;

beforeAll(async () => {
  // A short QR life and cancel deadline, so expiry and unresolved outcomes happen within a test.
  bed = await startQrTestbed({ LEDGER_UNRESOLVED_CANCEL_SECONDS: '4', LEDGER_QR_EXPIRY_GRACE_SECONDS: '1' }, { SANDBOX_QR_TTL_SECONDS: '6' });
}, 60_000);
afterAll(async () => {
  await bed.close();
});

async function webhooksRecorded(attemptId: string): Promise<number> {
  const rows = await bed.harness.ledger.client.query<{ n: number }>('SELECT count(*)::int AS n FROM provider_webhooks WHERE attempt_id = $1', [attemptId]);
  return rows[0]?.n ?? 0;
}

describe('a QR payment through the provider', () => {
  it('shows the QR, completes on the webhook, and refunds part through the provider (amounts_agree)', async () => {
    const { intentId, attemptId } = await confirmedQrIntent(bed, 1_000);
    const shown = await intentUntil(bed, intentId, qrShown);
    expect(shown.next_action?.qr?.url).toContain(bed.sandboxUrl);
    expect(shown.next_action?.qr?.deeplink).toMatch(/^paypay:\/\//);
    // The terminal long-polls from the revision it saw: the answer comes once the customer has paid.
    const seen = await bed.call('GET', `/v1/payment_intents/${intentId}`);
    expect(seen.revision).toMatch(/^[0-9]+$/);
    const waiting = bed.call('GET', `/v1/payment_intents/${intentId}?wait_for_change=${seen.revision ?? ''}&timeout_ms=20000`);
    await bed.sandbox.drive(attemptId, 'pay');
    const told = await waiting;
    expect(told.body.status).toBe('completed');
    expect(Number(told.revision)).toBeGreaterThan(Number(seen.revision));
    const completed = await intentUntil(bed, intentId, (intent) => intent.status === 'completed');
    expect(completed.amount_received).toBe(1_000);
    expect(await webhooksRecorded(attemptId)).toBeGreaterThanOrEqual(1);

    const refunded = await bed.call('POST', `/v1/payment_intents/${intentId}/refunds`, { amount: 300, reason: 'requested_by_customer' });
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(201);
    const after = await intentUntil(bed, intentId, (intent) => intent.refunds?.[0]?.status === 'succeeded');
    expect(after.amount_refunded).toBe(300);
    const provider = await bed.sandbox.payment(attemptId);
    expect(provider?.amountRefunded).toBe(300);
    expect(net(provider ?? { amountPaid: 0, amountRefunded: 0, amountReverted: 0 })).toBe(after.amount_received - after.amount_refunded);
    expect(provider?.calls).toMatchObject({ create_qr: 1, refund: 1 });
  });

  it('completes by polling alone when every webhook is lost and the first status queries fail (amounts_agree)', async () => {
    const { intentId, attemptId } = await confirmedQrIntent(bed, 2_500);
    await bed.sandbox.addFault({ operation: 'webhook', fault: 'drop', times: 5, match: { merchantPaymentId: attemptId } });
    await intentUntil(bed, intentId, qrShown);
    await bed.sandbox.addFault({ operation: 'get_payment', fault: 'server_error', times: 1, match: { merchantPaymentId: attemptId } });
    await bed.sandbox.addFault({ operation: 'get_payment', fault: 'unparsable', times: 1, match: { merchantPaymentId: attemptId } });
    await bed.sandbox.drive(attemptId, 'pay');
    const completed = await intentUntil(bed, intentId, (intent) => intent.status === 'completed', 30_000);
    expect(completed.amount_received).toBe(2_500);
    expect(await webhooksRecorded(attemptId)).toBe(0);
    const provider = await bed.sandbox.payment(attemptId);
    expect(provider?.calls?.get_payment).toBeGreaterThanOrEqual(3);
  });

  it('treats a duplicate webhook as one, and refuses one from a foreign address', async () => {
    const payload = { notification_type: 'Transaction', merchant_order_id: 'pa_unknown_attempt', state: 'COMPLETED', order_id: '123', paid_at: '2026-12-07T00:00:00Z' };
    const send = (remoteAddress: string) => bed.harness.ledger.app.inject({ method: 'POST', url: '/v1/providers/paypay/webhooks', payload, remoteAddress });
    expect((await send('127.0.0.1')).json()).toEqual({ received: true, duplicate: false });
    expect((await send('127.0.0.1')).json()).toEqual({ received: true, duplicate: true });
    const foreign = await send('203.0.113.9');
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toMatchObject({ code: 'webhook_source_not_allowed' });
    expect(await webhooksRecorded('pa_unknown_attempt')).toBe(1);
  });
});

/** An intent confirmed after a fault for the next create was installed (the attempt id is made by the confirm). */
async function confirmedWithFault(amount: number, fault: 'timeout' | 'lost_answer'): Promise<Readonly<{ intentId: string; attemptId: string }>> {
  const created = await bed.call('POST', '/v1/payment_intents', { amount, mode: 'pgw_processed', provider: 'paypay', store_id: bed.storeId, terminal_id: bed.terminalId });
  expect(created.status).toBe(201);
  const intentId = String(created.body.id);
  await bed.sandbox.addFault({ operation: 'create_qr', fault, times: 1, match: {} });
  const confirmed = await bed.call('POST', `/v1/payment_intents/${intentId}/confirm`, { payment_method: { type: 'qr' } });
  expect(confirmed.status).toBe(200);
  return { intentId, attemptId: (confirmed.body as unknown as IntentBody).next_action?.attempt_id ?? '' };
}

describe('a QR pre-authorization', () => {
  it('is held at the provider, and a partial capture is captured there, the rest released (amounts_agree)', async () => {
    const created = await bed.call('POST', '/v1/payment_intents', {
      amount: 2_000,
      mode: 'pgw_processed',
      provider: 'paypay',
      capture_method: 'manual',
      store_id: bed.storeId,
      terminal_id: bed.terminalId,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const intentId = String(created.body.id);
    const confirmed = await bed.call('POST', `/v1/payment_intents/${intentId}/confirm`, { payment_method: { type: 'qr' } });
    const attemptId = (confirmed.body as unknown as IntentBody).next_action?.attempt_id ?? '';
    await intentUntil(bed, intentId, qrShown);
    await bed.sandbox.drive(attemptId, 'pay');
    await intentUntil(bed, intentId, (intent) => intent.status === 'requires_capture');
    expect(await bed.sandbox.payment(attemptId)).toMatchObject({ status: 'AUTHORIZED', amountPaid: 2_000 });
    const captured = await bed.call('POST', `/v1/payment_intents/${intentId}/capture`, { amount_to_capture: 1_500 });
    expect(captured.status, JSON.stringify(captured.body)).toBe(200);
    const provider = await providerUntil(bed, attemptId, (payment) => payment.status === 'COMPLETED');
    expect(provider).toMatchObject({ amountPaid: 1_500, amountReverted: 0, captures: [expect.objectContaining({ amount: 1_500 })] });
    const intent = await intentUntil(bed, intentId, (current) => current.status === 'completed');
    expect(intent.amount_received).toBe(net(provider));
  });
});

describe('unknown outcomes', () => {
  it('a create that times out unprocessed is resolved by query and never sent twice (charged_once, not_processing)', async () => {
    const { intentId, attemptId } = await confirmedWithFault(1_200, 'timeout');
    const settled = await intentUntil(bed, intentId, (intent) => intent.status === 'pending', 30_000);
    expect(attemptOf(settled, attemptId)).toBe('failed');
    expect(await bed.sandbox.calls(attemptId)).toMatchObject({ create_qr: 1 });
    expect(await bed.sandbox.payment(attemptId)).toBeUndefined();
  });

  it('a create whose answer is lost is canceled at the provider by the deadline, never created again (charged_once, not_processing)', async () => {
    const { intentId, attemptId } = await confirmedWithFault(1_300, 'lost_answer');
    const failed = await intentUntil(bed, intentId, (intent) => intent.status === 'pending', 40_000);
    expect(attemptOf(failed, attemptId)).toBe('failed');
    const provider = await bed.sandbox.payment(attemptId);
    expect(provider?.calls).toMatchObject({ create_qr: 1 });
    expect(provider?.calls?.cancel_payment).toBeGreaterThanOrEqual(1);
    expect(provider?.canceledByMerchant).toBe(true);
  });
});

describe('money the provider took that the intent cannot keep', () => {
  it('a payment landing after the terminal canceled is given back automatically (success_accounted)', async () => {
    const { intentId, attemptId } = await confirmedQrIntent(bed, 1_500);
    await intentUntil(bed, intentId, qrShown);
    const canceled = await bed.call('POST', `/v1/payment_intents/${intentId}/cancel`, { cancellation_reason: 'requested_by_customer' });
    expect(canceled.status, JSON.stringify(canceled.body)).toBe(200);
    await providerUntil(bed, attemptId, (payment) => payment.qrDeleted === true);
    expect(await bed.sandbox.drive(attemptId, 'late_pay')).toBe(200);
    const givenBack = await providerUntil(bed, attemptId, (payment) => payment.amountPaid === 1_500 && net(payment) === 0, 30_000);
    expect(givenBack.amountReverted + givenBack.amountRefunded).toBe(1_500);
    const intent = await intentUntil(bed, intentId, (current) => attemptOf(current, attemptId) === 'compensated');
    expect(intent.status).toBe('canceled');
    expect(intent.amount_received - intent.amount_refunded).toBe(0);
  });

  it('a payment after the QR expired is given back, the intent stays open for a new attempt (success_accounted)', async () => {
    const { intentId, attemptId } = await confirmedQrIntent(bed, 1_700);
    await intentUntil(bed, intentId, qrShown);
    const expired = await intentUntil(bed, intentId, (intent) => intent.status === 'pending', 30_000);
    expect(attemptOf(expired, attemptId)).toBe('failed');
    expect(await bed.sandbox.drive(attemptId, 'late_pay')).toBe(200);
    await providerUntil(bed, attemptId, (payment) => payment.amountPaid === 1_700 && net(payment) === 0, 30_000);
    const intent = await intentUntil(bed, intentId, (current) => attemptOf(current, attemptId) === 'compensated');
    expect(intent.status).toBe('pending');
  });

  it('a payment of another amount than asked is given back (amounts_agree)', async () => {
    const { intentId, attemptId } = await confirmedQrIntent(bed, 1_900);
    await intentUntil(bed, intentId, qrShown);
    await bed.sandbox.drive(attemptId, 'pay', { amount: 1_907 });
    await providerUntil(bed, attemptId, (payment) => payment.amountPaid === 1_907 && net(payment) === 0, 30_000);
    const intent = await intentUntil(bed, intentId, (current) => attemptOf(current, attemptId) === 'compensated');
    expect(intent.amount_received).toBe(0);
  });

  it('a refund the provider keeps in CREATED counts as accepted (amounts_agree)', async () => {
    const { intentId, attemptId } = await confirmedQrIntent(bed, 2_000);
    await intentUntil(bed, intentId, qrShown);
    await bed.sandbox.drive(attemptId, 'pay');
    await intentUntil(bed, intentId, (intent) => intent.status === 'completed');
    await bed.sandbox.addFault({ operation: 'refund', fault: 'refund_stuck', times: 1, match: { merchantPaymentId: attemptId } });
    const refunded = await bed.call('POST', `/v1/payment_intents/${intentId}/refunds`, { amount: 2_000, reason: 'requested_by_customer' });
    expect(refunded.status).toBe(201);
    const after = await intentUntil(bed, intentId, (intent) => intent.refunds?.[0]?.status === 'succeeded');
    expect(after.amount_refunded).toBe(2_000);
    const provider = await bed.sandbox.payment(attemptId);
    expect(provider?.refunds).toEqual([expect.objectContaining({ amount: 2_000, status: 'CREATED' })]);
  });
});
