/**
 * QR payments against the provider sandbox, over real HTTP both ways: the sandbox runs as its own
 * process (spawnSandbox), the whole ledger listens on a real port (the sandbox's webhooks reach it),
 * a partner onboards a merchant, a store with PayPay configured with real (sandbox-registered)
 * credentials and a terminal through the public API, and the reactor runs its loop with short
 * client timeouts. Waits are on the ledger's own answers (long-poll) or the sandbox's own state.
 */
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../infra/adapters/observability/logger.js';
import { freePort } from '../../infra/entry/freePort.js';
import { seedTenant, TOKYO_0400 } from '../../infra/entry/cli/demoTenant.js';
import { spawnSandbox, type RunningSandbox } from '../../infra/entry/sandboxChild.js';
import { SandboxClient, type ProviderPayment } from '../../infra/entry/simulation/sandboxClient.js';
import { createPartner, partnerCall, type Answer } from '../../infra/entry/simulation/world.js';
import { startTestLedger, type TestLedger } from './testLedger.js';

export type QrTestbed = Readonly<{
  harness: TestLedger;
  sandbox: SandboxClient;
  sandboxUrl: string;
  base: string;
  storeId: string;
  terminalId: string;
  /** A request signed by the partner, over the ledger's real port. */
  call: (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<Answer>;
  close: () => Promise<void>;
}>;

/** Client timeouts short enough for tests (a held request is "unknown" after these). */
export const TEST_TIMEOUTS_MS = { create_qr: 1_500, get_payment: 1_000, delete_qr: 1_000, cancel_payment: 1_000, refund: 1_500, get_refund: 1_000, capture: 1_500, revert: 1_500 };

export async function startQrTestbed(environment: Readonly<Record<string, string>> = {}, sandboxEnvironment: Readonly<Record<string, string>> = {}): Promise<QrTestbed> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const running: RunningSandbox = await spawnSandbox({
    port: 0,
    webhookUrl: `${base}/v1/providers/paypay/webhooks`,
    environment: { SANDBOX_REFUND_SETTLE_SECONDS: '1', SANDBOX_HOLD_MS: '5000', ...sandboxEnvironment },
  });
  const operatorSecret = `qr-operator-${randomUUID()}`;
  const harness = await startTestLedger(
    { LEDGER_OPERATOR_SECRET: operatorSecret, LEDGER_PAYPAY_BASE_URL: running.url, PORT: String(port), ...environment },
    createLogger('silent'),
    { providers: { timeoutsMs: TEST_TIMEOUTS_MS, reactorTickMs: 20 } },
  );
  await harness.ledger.app.listen({ host: '127.0.0.1', port });
  const sandbox = new SandboxClient(running.url);
  const credentials = { api_key: `key-${randomUUID()}`, api_secret: `secret-${randomUUID()}`, merchant_id: `merchant-${randomUUID().slice(0, 8)}` };
  await sandbox.registerCredentials(credentials);
  const partner = await createPartner(base, operatorSecret, 0);
  const tenant = await seedTenant(base, partner, {
    legalName: 'QR Test KK',
    displayName: 'QR Test',
    stores: [{ name: 'QR store', ...TOKYO_0400, providers: [{ provider_code: 'paypay', fee_rate_ppm: 16_000, fixed_fee_minor: 0, credentials }], terminals: 1 }],
  });
  const [store] = tenant.stores;
  const [terminal] = tenant.terminals;
  if (store === undefined || terminal === undefined) throw new Error('qr testbed: no store or terminal');
  const now = (): Date => new Date();
  return {
    harness,
    sandbox,
    sandboxUrl: running.url,
    base,
    storeId: store.id,
    terminalId: terminal.id,
    call: (method, path, body) => partnerCall(base, partner, now, method, path, body),
    close: async () => {
      await harness.close();
      await running.stop();
    },
  };
}

export type IntentBody = Readonly<{
  id: string;
  status: string;
  amount: number;
  amount_received: number;
  amount_refunded: number;
  next_action: { type: string; attempt_id: string; qr: { url: string; deeplink: string; code_id: string; expires_at: string } | null } | null;
  attempts: readonly { id: string; status: string }[];
  refunds?: readonly { id: string; status: string; amount: number }[];
}>;

/** Polls the ledger's own answer for the intent until `done` holds (every 50 ms, at most `timeoutMs`). */
export async function intentUntil(bed: QrTestbed, intentId: string, done: (intent: IntentBody) => boolean, timeoutMs = 20_000): Promise<IntentBody> {
  const deadline = Date.now() + timeoutMs;
  let last: IntentBody | undefined;
  while (Date.now() < deadline) {
    const answer = await bed.call('GET', `/v1/payment_intents/${intentId}`);
    last = answer.body as unknown as IntentBody;
    if (answer.status === 200 && done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`intent ${intentId} did not reach the expected state within ${timeoutMs} ms; last: ${JSON.stringify(last).slice(0, 600)}`);
}

/** Polls the sandbox's own record of the payment until `done` holds. */
export async function providerUntil(bed: QrTestbed, merchantPaymentId: string, done: (payment: ProviderPayment) => boolean, timeoutMs = 20_000): Promise<ProviderPayment> {
  const deadline = Date.now() + timeoutMs;
  let last: ProviderPayment | undefined;
  while (Date.now() < deadline) {
    last = await bed.sandbox.payment(merchantPaymentId);
    if (last !== undefined && done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`provider payment ${merchantPaymentId} did not reach the expected state within ${timeoutMs} ms; last: ${JSON.stringify(last).slice(0, 600)}`);
}

/** Creates a QR intent for the testbed's store and terminal and confirms it; answers the intent and its attempt id. */
export async function confirmedQrIntent(bed: QrTestbed, amount: number): Promise<Readonly<{ intentId: string; attemptId: string }>> {
  const created = await bed.call('POST', '/v1/payment_intents', { amount, mode: 'pgw_processed', provider: 'paypay', store_id: bed.storeId, terminal_id: bed.terminalId });
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
  const intentId = String(created.body.id);
  const confirmed = await bed.call('POST', `/v1/payment_intents/${intentId}/confirm`, { payment_method: { type: 'qr' } });
  if (confirmed.status !== 200) throw new Error(`confirm answered ${confirmed.status}: ${JSON.stringify(confirmed.body)}`);
  const attemptId = (confirmed.body as unknown as IntentBody).next_action?.attempt_id;
  if (attemptId === undefined) throw new Error('confirm answered no attempt');
  return { intentId, attemptId };
}
