/**
 * Transaction webhooks (`notification_type: "Transaction"`, payments.md §4.1) as PayPay sends them:
 * a POST of the payment's state to the configured URL, retried up to 3 times 100 ms apart when the
 * receiver does not answer 2xx within 2 s; delivery is not guaranteed (faults may drop, duplicate or
 * delay one). Sent on payment, capture, revert and authorization expiry — never on refunds or cancels.
 */
import type { FaultBook } from './faults.js';
import type { SandboxPayment } from './payments.js';

const ATTEMPTS = 3;
const ATTEMPT_TIMEOUT_MS = 2_000;
const RETRY_GAP_MS = 100;
const DELAY_FAULT_MS = 1_500;

export type WebhookSender = Readonly<{
  notify: (payment: SandboxPayment) => void;
  setUrl: (url: string | undefined) => void;
  url: () => string | undefined;
  /** Deliveries still in flight (tests and shutdown wait for them). */
  settled: () => Promise<void>;
  delivered: () => number;
}>;

const isoOrNull = (epochSeconds: number | null): string | null => (epochSeconds === null || epochSeconds === 0 ? null : new Date(epochSeconds * 1000).toISOString());

export function webhookPayload(payment: SandboxPayment): Record<string, unknown> {
  return {
    notification_type: 'Transaction',
    merchant_id: payment.merchantId,
    store_id: payment.storeId ?? null,
    pos_id: payment.terminalId ?? null,
    order_id: payment.paymentId,
    merchant_order_id: payment.merchantPaymentId,
    authorized_at: payment.isAuthorization ? isoOrNull(payment.acceptedAt) : null,
    expires_at: payment.isAuthorization ? isoOrNull(payment.authorizationExpiry) : null,
    paid_at: isoOrNull(payment.acceptedAt),
    order_amount: payment.acceptedAt > 0 ? payment.amountPaid : payment.amount,
    state: payment.status,
  };
}

export function createWebhookSender(faults: FaultBook, initialUrl: string | undefined, log: (message: string, details: Record<string, unknown>) => void): WebhookSender {
  let target = initialUrl;
  let delivered = 0;
  const inFlight = new Set<Promise<void>>();

  const deliver = async (url: string, body: string, merchantPaymentId: string): Promise<void> => {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      try {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
        await response.text();
        if (response.ok) {
          delivered += 1;
          return;
        }
        log('webhook refused', { merchantPaymentId, status: response.status, attempt });
      } catch (error) {
        log('webhook not delivered', { merchantPaymentId, attempt, err: error instanceof Error ? error.message : String(error) });
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_GAP_MS));
    }
  };

  const track = (work: Promise<void>): void => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  return {
    notify: (payment) => {
      const url = target;
      if (url === undefined) return;
      const fault = faults.webhookFault(payment.merchantPaymentId);
      if (fault === 'drop') return;
      const body = JSON.stringify(webhookPayload(payment));
      const wait = fault === 'delay' ? DELAY_FAULT_MS : 0;
      track(new Promise((resolve) => setTimeout(resolve, wait)).then(() => deliver(url, body, payment.merchantPaymentId)));
      if (fault === 'duplicate') track(deliver(url, body, payment.merchantPaymentId));
    },
    setUrl: (url) => {
      target = url;
    },
    url: () => target,
    settled: async () => {
      await Promise.allSettled([...inFlight]);
    },
    delivered: () => delivered,
  };
}
