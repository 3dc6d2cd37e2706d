/**
 * Realistic PaymentIntent event streams for tests and benchmarks, produced by the real decider
 * (so they are exactly what the command side would store), with valid public ids.
 */
import type { CardBrand, PaymentIntentCommand, PaymentIntentEvent, PaymentMode } from '../../../domain/paymentIntent/index.js';
import { decide, evolve, initialState } from '../../../domain/paymentIntent/index.js';
import type { Money } from '../../../domain/shared/index.js';
import { acceptedPlacement } from '../../../domain/paymentIntent/testing/placement.js';

export type IntentIds = Readonly<{
  paymentIntentId: string;
  clientPartnerId: string;
  merchantId: string;
  storeId: string;
  terminalId: string;
}>;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A deterministic ULID-shaped body from a number (tests need valid, reproducible ids). */
export function ulidOf(n: number, salt = 0): string {
  let body = '';
  let rest = BigInt(n) * 1_000_003n + BigInt(salt);
  for (let index = 0; index < 26; index += 1) {
    body = (CROCKFORD[Number(rest % 32n)] ?? '0') + body;
    rest /= 32n;
  }
  return `0${body.slice(1)}`;
}

/** Ids of intent `n` of tenant `tenant`. */
export function intentIds(n: number, tenant = 1): IntentIds {
  return {
    paymentIntentId: `pi_${ulidOf(n, 7)}`,
    clientPartnerId: `cp_${ulidOf(tenant, 1)}`,
    merchantId: `mer_${ulidOf(tenant, 2)}`,
    storeId: `str_${ulidOf(tenant, 3)}`,
    terminalId: `trm_${ulidOf(tenant, 4)}`,
  };
}

export const yen = (amountMinor: number): Money => ({ amountMinor, currency: 'JPY' });

type CreateOptions = Readonly<{
  provider?: string | null;
  captureMethod?: 'automatic' | 'manual';
  clientReferenceId?: string | null;
}>;

/** Command builders for one intent; every command happens at `now` (ISO instant). */
export function commandsFor(ids: IntentIds, now: string) {
  const base = { paymentIntentId: ids.paymentIntentId, now };
  const expiresAt = new Date(Date.parse(now) + 900_000).toISOString();
  return {
    create: (mode: PaymentMode, amount: number, options: CreateOptions = {}): PaymentIntentCommand => {
      const provider = options.provider ?? (mode === 'pgw_processed' ? 'paypay' : null);
      return {
        type: 'CreatePaymentIntent',
        data: {
          ...ids,
          placement: acceptedPlacement(ids, provider),
          now,
          amount: yen(amount),
          mode,
          provider,
          captureMethod: options.captureMethod ?? 'automatic',
          clientReferenceId: options.clientReferenceId ?? null,
          expiresAt,
        },
      };
    },
    payCash: (tendered: number, attemptId = 'att_1'): PaymentIntentCommand => ({
      type: 'ConfirmPaymentIntent',
      data: { ...base, attemptId, paymentMethod: { type: 'cash', tendered: yen(tendered) } },
    }),
    confirm: (method: 'card' | 'qr', attemptId = 'att_1'): PaymentIntentCommand => ({
      type: 'ConfirmPaymentIntent',
      data: { ...base, attemptId, paymentMethod: { type: method } },
    }),
    cardApproved: (amount: number, attemptId = 'att_1', brand: CardBrand = 'visa', captureBefore: string | null = null): PaymentIntentCommand => ({
      type: 'ReportCardResult',
      data: {
        ...base,
        attemptId,
        result: { outcome: 'approved', amount: yen(amount), approvalNumber: 'A12345', slipNumber: '00042', maskedPan: '424242******4242', brand, captureBefore },
      },
    }),
    cardDeclined: (attemptId = 'att_1'): PaymentIntentCommand => ({
      type: 'ReportCardResult',
      data: { ...base, attemptId, result: { outcome: 'declined', declineCode: 'insufficient_funds', message: 'Declined by issuer' } },
    }),
    qrSucceeded: (amount: number, attemptId = 'att_1'): PaymentIntentCommand => ({
      type: 'ReportProviderResult',
      data: { ...base, attemptId, result: { outcome: 'succeeded', amount: yen(amount), providerPaymentId: `paypay_${attemptId}` } },
    }),
    capture: (amount: number | null): PaymentIntentCommand => ({
      type: 'CapturePaymentIntent',
      data: { ...base, amountToCapture: amount === null ? null : yen(amount) },
    }),
    cancel: (): PaymentIntentCommand => ({
      type: 'CancelPaymentIntent',
      data: { ...base, reason: 'requested_by_customer', providerCancelAccepted: false },
    }),
    expire: (at: string): PaymentIntentCommand => ({ type: 'ExpirePaymentIntent', data: { paymentIntentId: ids.paymentIntentId, now: at } }),
    refund: (refundId: string, amount: number): PaymentIntentCommand => ({
      type: 'CreateRefund',
      data: { ...base, refundId, amount: yen(amount), reason: 'requested_by_customer' },
    }),
    refundSucceeded: (refundId: string): PaymentIntentCommand => ({
      type: 'ReportRefundResult',
      data: { ...base, refundId, result: { outcome: 'succeeded', providerRefundId: `prf_${refundId}` } },
    }),
  };
}

/** Runs the commands through the real decider in order; returns every event decided. Throws on a refusal. */
export function decideAll(commands: readonly PaymentIntentCommand[]): PaymentIntentEvent[] {
  const events: PaymentIntentEvent[] = [];
  let state = initialState();
  for (const command of commands) {
    for (const event of decide(command, state)) {
      events.push(event);
      state = evolve(state, event);
    }
  }
  return events;
}

/**
 * A typical day's mix for intent `n` (4–6 events): cash sales with a partial refund, card sales,
 * declined-then-approved cards, QR sales and cancellations.
 */
export function typicalIntent(n: number, now: string, tenant = 1): PaymentIntentEvent[] {
  const c = commandsFor(intentIds(n, tenant), now);
  const amount = 300 + ((n * 37) % 50) * 100;
  const reference = `order-${n}`;
  switch (n % 5) {
    case 0:
      return decideAll([c.create('manual', amount, { clientReferenceId: reference }), c.payCash(amount + 1000), c.refund(`re_${n}`, 100)]);
    case 1:
      return decideAll([c.create('external', amount, { clientReferenceId: reference }), c.confirm('card'), c.cardApproved(amount)]);
    case 2:
      return decideAll([c.create('external', amount), c.confirm('card'), c.cardDeclined(), c.confirm('card', 'att_2'), c.cardApproved(amount, 'att_2')]);
    case 3:
      return decideAll([c.create('pgw_processed', amount, { clientReferenceId: reference }), c.confirm('qr'), c.qrSucceeded(amount)]);
    default:
      return decideAll([c.create('manual', amount, { clientReferenceId: reference }), c.cancel()]);
  }
}
