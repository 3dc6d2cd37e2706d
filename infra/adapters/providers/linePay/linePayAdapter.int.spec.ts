/**
 * The CPM (LINE-Pay-Offline-style) adapter against the provider sandbox process over real HTTP: a
 * one-time key pays synchronously; a refused key fails; a paid total other than the amount asked is
 * reported as paid (the domain compares it); a read timeout answers unknown and the status check then
 * finds the payment; partial refunds; an authorization captured in part; wrong channel credentials.
 * The same port as PayPay's MPM adapter, with another shape: no QR, no webhook, a synchronous answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { spawnSandbox, type RunningSandbox } from '../../../entry/sandboxChild.js';
import { SandboxClient } from '../../../entry/simulation/sandboxClient.js';
import { Money } from '../../../../domain/shared/index.js';
import { createLinePayAdapter, LINE_PAY_TIMEOUTS_MS } from './linePayAdapter.js';

let sandbox: RunningSandbox;
let client: SandboxClient;
const channel = { channelId: `channel-${randomUUID()}`, channelSecret: `secret-${randomUUID()}` };
const yen = (amount: number) => Money.of(amount, 'JPY');
const adapter = (timeoutMs = 3_000) =>
  createLinePayAdapter({ baseUrl: `${sandbox.url}/line_pay`, ...channel, timeoutsMs: { ...LINE_PAY_TIMEOUTS_MS, pay: timeoutMs, check: 3_000 } });
const payment = (orderId: string, amount: number, customerCode = '123456789012', captureMethod: 'automatic' | 'manual' = 'automatic') => ({
  merchantPaymentId: orderId,
  customerCode,
  amount: yen(amount),
  captureMethod,
  orderDescription: 'Coffee',
  storeId: 'str_1',
  terminalId: 'trm_1',
});

beforeAll(async () => {
  sandbox = await spawnSandbox({ port: 0, webhookUrl: '', environment: { SANDBOX_HOLD_MS: '5000' } });
  client = new SandboxClient(sandbox.url);
  await client.registerCredentials({ api_key: channel.channelId, api_secret: channel.channelSecret });
}, 30_000);
afterAll(async () => {
  await sandbox.stop();
});

describe('LINE-Pay-style CPM adapter', () => {
  it('pays with the customer code synchronously, and refunds in parts', async () => {
    const orderId = `pa_${randomUUID().slice(0, 8)}`;
    const paid = await adapter().payWithCustomerCode(payment(orderId, 1_000));
    expect(paid).toMatchObject({ outcome: 'succeeded', amount: yen(1_000) });
    if (paid.outcome !== 'succeeded') return;
    const refunded = await adapter().refund({
      merchantRefundId: 're_1',
      merchantPaymentId: orderId,
      providerPaymentId: paid.providerPaymentId,
      amount: yen(400),
      reason: 'x',
      requestedAt: new Date().toISOString(),
    });
    expect(refunded.outcome).toBe('accepted');
    const tooMuch = await adapter().refund({
      merchantRefundId: 're_2',
      merchantPaymentId: orderId,
      providerPaymentId: paid.providerPaymentId,
      amount: yen(700),
      reason: 'x',
      requestedAt: new Date().toISOString(),
    });
    expect(tooMuch).toMatchObject({ outcome: 'rejected', code: '1163' });
    expect(await adapter().getPayment(orderId)).toMatchObject({ outcome: 'succeeded', amount: yen(600) });
  });

  it("answers failed for a code the customer's app refused, and another amount when the customer paid another", async () => {
    expect(await adapter().payWithCustomerCode(payment(`pa_${randomUUID().slice(0, 8)}`, 500, '000000000000'))).toMatchObject({ outcome: 'failed', code: 'LINE_PAY_1169' });
    expect(await adapter().payWithCustomerCode(payment(`pa_${randomUUID().slice(0, 8)}`, 500, '111111111111'))).toMatchObject({ outcome: 'succeeded', amount: yen(501) });
  });

  it('answers unknown on a read timeout; the status check then tells whether it was paid', async () => {
    const unprocessed = `pa_${randomUUID().slice(0, 8)}`;
    await client.addFault({ operation: 'cpm_pay', fault: 'timeout', times: 1, match: { merchantPaymentId: unprocessed } });
    expect(await adapter(500).payWithCustomerCode(payment(unprocessed, 800))).toMatchObject({ outcome: 'unknown', reason: 'timeout' });
    expect(await adapter().getPayment(unprocessed)).toEqual({ outcome: 'not_found' });
    const lost = `pa_${randomUUID().slice(0, 8)}`;
    await client.addFault({ operation: 'cpm_pay', fault: 'lost_answer', times: 1, match: { merchantPaymentId: lost } });
    expect(await adapter(500).payWithCustomerCode(payment(lost, 900))).toMatchObject({ outcome: 'unknown', reason: 'timeout' });
    expect(await adapter().getPayment(lost)).toMatchObject({ outcome: 'succeeded', amount: yen(900) });
    expect(await client.calls(lost)).toMatchObject({ cpm_pay: 1, cpm_check: 1 });
  });

  it('holds an authorization and captures part of it; the rest goes back', async () => {
    const orderId = `pa_${randomUUID().slice(0, 8)}`;
    expect(await adapter().payWithCustomerCode(payment(orderId, 3_000, '123456789012', 'manual'))).toMatchObject({ outcome: 'authorized', amount: yen(3_000) });
    expect(await adapter().capture({ merchantPaymentId: orderId, merchantCaptureId: 'cap_1', amount: yen(2_500), requestedAt: new Date().toISOString() })).toMatchObject({
      outcome: 'captured',
    });
    expect(await client.payment(orderId)).toMatchObject({ amountPaid: 2_500, amountReverted: 0, status: 'COMPLETED' });
    expect(await adapter().cancelPayment(orderId)).toMatchObject({ outcome: 'rejected', code: '1164' });
  });

  it('is refused with wrong channel credentials (answers unparsable as unknown, nothing paid)', async () => {
    const orderId = `pa_${randomUUID().slice(0, 8)}`;
    const wrong = createLinePayAdapter({ baseUrl: `${sandbox.url}/line_pay`, channelId: channel.channelId, channelSecret: 'wrong', timeoutsMs: LINE_PAY_TIMEOUTS_MS });
    const answer = await wrong.payWithCustomerCode(payment(orderId, 100));
    expect(answer.outcome).toBe('failed');
    expect(await client.payment(orderId)).toBeUndefined();
  });
});
