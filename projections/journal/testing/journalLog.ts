/**
 * A realistic slice of the log for one tenant, for the journal's integration specs and benchmark:
 * the store (Asia/Tokyo, business day from 05:00) with card 3.00 % and PayPay 1.60 % fees, then a
 * mix of payments from the real decider — cash with refunds, cards, declines, QR sales, cancels,
 * a QR pre-authorization captured in part, and a QR refund that succeeds.
 */
import type { PaymentIntentCommand, PaymentIntentEvent } from '../../../domain/paymentIntent/index.js';
import { toPaymentIntentStreamName } from '../../../domain/paymentIntent/index.js';
import type { StoreOpened, StoreProviderConfigured } from '../../../domain/tenancy/index.js';
import { commandsFor, decideAll, intentIds, typicalIntent, yen } from '../../integration/testing/paymentScenarios.js';

export type StreamSlice = Readonly<{ stream: string; events: readonly Readonly<{ type: string; data: object }>[] }>;

export const JOURNAL_LOG_FEES = Object.freeze({
  card: { feeRatePpm: 30_000, fixedFeeMinor: 0, currency: 'JPY' },
  paypay: { feeRatePpm: 16_000, fixedFeeMinor: 0, currency: 'JPY' },
});

/** The tenancy events of `tenant`'s store: opened with a 05:00 cut-off, card and PayPay fees. */
export function tenancySlices(tenant: number): StreamSlice[] {
  const { storeId, merchantId } = intentIds(0, tenant);
  const opened: StoreOpened = {
    type: 'StoreOpened',
    data: { storeId, merchantId, name: `Store ${tenant}`, timeZone: 'Asia/Tokyo', cutoffMinutes: 300, firstBusinessDate: '2025-05-01', openedAt: '2025-05-01T00:00:00.000Z' },
  } as StoreOpened;
  const configured = (providerCode: 'card' | 'paypay', n: number): StoreProviderConfigured =>
    ({
      type: 'StoreProviderConfigured',
      data: {
        storeProviderConfigId: `spc_${storeId.slice(4, -1)}${n}`,
        storeId,
        providerCode,
        fees: JOURNAL_LOG_FEES[providerCode],
        credentials: { ciphertext: 'AAAA', encryptionKeyId: 'key-1' },
        configuredAt: '2025-05-01T00:00:00.000Z',
      },
    }) as StoreProviderConfigured;
  return [
    { stream: `Store-${storeId}`, events: [opened] },
    { stream: `StoreProviderConfig-${storeId}-card`, events: [configured('card', 1)] },
    { stream: `StoreProviderConfig-${storeId}-paypay`, events: [configured('paypay', 2)] },
  ];
}

/** A PayPay pre-authorization of ¥10,000 captured for ¥8,000, then ¥3,000 of it refunded. */
export function preAuthorizedQrIntent(n: number, now: string, tenant = 1): PaymentIntentEvent[] {
  const ids = intentIds(n, tenant);
  const c = commandsFor(ids, now);
  const authorize: PaymentIntentCommand = {
    type: 'ReportProviderResult',
    data: {
      paymentIntentId: ids.paymentIntentId,
      now,
      attemptId: 'att_1',
      result: { outcome: 'authorized', amount: yen(10_000), providerPaymentId: `pp_${n}`, captureBefore: '2025-06-08T00:00:00.000Z' },
    },
  };
  return decideAll([
    c.create('pgw_processed', 10_000, { captureMethod: 'manual' }),
    c.confirm('qr'),
    authorize,
    c.capture(8_000),
    c.refund(`re_${n}`, 3_000),
    c.refundSucceeded(`re_${n}`),
  ]);
}

/**
 * Intents `first … first + count − 1` of `tenant` at `now` (typical mix, every 7th a captured
 * pre-authorization), one slice per intent. Intent ids depend on `n` only, not on the tenant:
 * give each tenant its own range of `n`.
 */
export function paymentSlices(count: number, now: string, tenant = 1, first = 0): StreamSlice[] {
  const slices: StreamSlice[] = [];
  for (let n = first; n < first + count; n += 1) {
    const events = n % 7 === 6 ? preAuthorizedQrIntent(n, now, tenant) : typicalIntent(n, now, tenant);
    slices.push({ stream: toPaymentIntentStreamName(intentIds(n, tenant).paymentIntentId), events });
  }
  return slices;
}
