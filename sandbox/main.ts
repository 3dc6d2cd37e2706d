/**
 * `npm run sandbox`: the provider sandbox, a stand-in for PayPay's own sandbox (docs/providers.md).
 * It speaks PayPay's Open Payment API for dynamic QR, verifies OPA-Auth, keeps its own state in
 * memory, sends transaction webhooks to SANDBOX_WEBHOOK_URL, and can be driven and faulted over
 * `/sandbox/*`. Configuration (environment):
 *   SANDBOX_PORT (3900; 0 = any free port), SANDBOX_HOST (127.0.0.1), SANDBOX_WEBHOOK_URL (none),
 *   SANDBOX_QR_TTL_SECONDS (300), SANDBOX_REFUND_SETTLE_SECONDS (2), SANDBOX_HOLD_MS (60000),
 *   SANDBOX_FAULT_SEED and SANDBOX_FAULT_RATE (0–1: faults drawn by seed on every call),
 *   SANDBOX_API_KEY / SANDBOX_API_SECRET / SANDBOX_MERCHANT_ID (the demo tenant's credentials).
 * Prints one JSON line `{"msg":"sandbox listening","url":…}` once it listens.
 */
import { createSandboxServer } from './server.js';

const env = process.env;
const integer = (name: string, fallback: number): number => {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative integer, not ${value}`);
  return parsed;
};
const log = (msg: string, details: Record<string, unknown> = {}): void => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'provider-sandbox', msg, ...details })}\n`);
};

const host = env.SANDBOX_HOST ?? '127.0.0.1';
const rate = env.SANDBOX_FAULT_RATE === undefined ? undefined : Number(env.SANDBOX_FAULT_RATE);
if (rate !== undefined && !(rate >= 0 && rate <= 1)) throw new Error('SANDBOX_FAULT_RATE must be between 0 and 1');
const { app, state } = createSandboxServer({
  settings: {
    qrTtlSeconds: integer('SANDBOX_QR_TTL_SECONDS', 300),
    refundSettleSeconds: integer('SANDBOX_REFUND_SETTLE_SECONDS', 2),
    holdMs: integer('SANDBOX_HOLD_MS', 60_000),
    publicUrl: '',
  },
  webhookUrl: env.SANDBOX_WEBHOOK_URL === '' ? undefined : env.SANDBOX_WEBHOOK_URL,
  credentials: [
    [
      env.SANDBOX_API_KEY ?? 'demo-paypay-api-key',
      { apiSecret: env.SANDBOX_API_SECRET ?? 'demo-paypay-api-secret', merchantId: env.SANDBOX_MERCHANT_ID ?? 'demo-paypay-merchant' },
    ],
  ],
  ...(env.SANDBOX_FAULT_SEED === undefined ? {} : { faultSeed: integer('SANDBOX_FAULT_SEED', 0) }),
  ...(rate === undefined ? {} : { faultRate: rate }),
  log,
});

const address = await app.listen({ host, port: integer('SANDBOX_PORT', 3900) });
Object.assign(state.settings, { publicUrl: address });
log('sandbox listening', { url: address, webhook_url: state.webhooks.url() ?? null });

const stop = (): void => {
  void state.webhooks
    .settled()
    .then(() => {
      // Requests held by a timeout fault would keep the server open: drop them.
      app.server.closeAllConnections();
      return app.close();
    })
    .then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
