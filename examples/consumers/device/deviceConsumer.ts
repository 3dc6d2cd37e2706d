/**
 * The device context: what a SmartPOS terminal shows when its payments change. A pure renderer
 * (`renderForDevice`) turns each integration event into a terminal notification and, for money
 * that moved, receipt lines; `startDeviceConsumer` feeds it from Kafka and hands the output to a
 * sink (the terminal push channel in production; stdout in the demo).
 *
 * Dedupe: an in-memory set of the last `rememberMax` event ids. That covers a re-delivery while
 * this process runs; after a restart, a duplicate from the relay's crash window could be shown
 * again — acceptable for a notification, and a reprinted receipt says "(copy)" in real terminals.
 * A consumer that must never repeat itself stores processed ids durably (see ../loyalty).
 */
import type { PaymentIntegrationEvent, PaymentMethod } from '../../../schemas/integration/index.js';
import { consumeIntegrationEvents, type ConsumerLog, type RunningConsumer } from '../shared/consumeIntegrationEvents.js';

export type DeviceOutput = Readonly<{
  eventId: string;
  terminalId: string;
  notification: Readonly<{ severity: 'success' | 'warning' | 'info'; title: string; body: string }>;
  /** Lines to print, or null when no money moved. */
  receipt: readonly string[] | null;
}>;

/** `¥1,200` (JPY has no minor unit), `$12.50`: minor units through the currency's own digits. */
export function formatMoney(amountMinor: number, currency: string, locale = 'ja-JP'): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 0;
  return format.format(amountMinor / 10 ** digits);
}

function methodLines(method: PaymentMethod, money: (amount: number) => string): string[] {
  switch (method.type) {
    case 'cash':
      return ['Cash', `  Tendered ${money(method.tendered)}`, `  Change   ${money(method.change)}`];
    case 'card':
      return [
        `Card ${method.brand.toUpperCase()} ${method.masked_pan}`,
        `  Approval ${method.approval_number}${method.slip_number === null ? '' : `  Slip ${method.slip_number}`}`,
      ];
    case 'qr':
      return [`QR payment ref ${method.provider_payment_id}`];
  }
}

/** What the terminal shows for one event. Pure. */
export function renderForDevice(event: PaymentIntegrationEvent, locale = 'ja-JP'): DeviceOutput {
  const money = (amount: number): string => formatMoney(amount, event.currency, locale);
  const reference = event.client_reference_id === null ? [] : [`Order ${event.client_reference_id}`];
  const base = { eventId: event.id, terminalId: event.terminal_id };
  switch (event.type) {
    case 'payment.completed.v1':
      return {
        ...base,
        notification: { severity: 'success', title: 'Payment completed', body: `${money(event.amount)} received` },
        receipt: [
          'RECEIPT',
          ...reference,
          `Total    ${money(event.amount)}`,
          ...methodLines(event.payment_method, money),
          `Payment  ${event.payment_intent_id}`,
          event.occurred_at,
        ],
      };
    case 'payment.failed.v1':
      return {
        ...base,
        notification: {
          severity: 'warning',
          title: event.failure.type === 'card_error' ? 'Card declined' : 'Payment failed',
          body: `${event.failure.message} (${event.failure.decline_code ?? event.failure.code}). Try again or use another method.`,
        },
        receipt: null,
      };
    case 'payment.canceled.v1':
      return {
        ...base,
        notification: { severity: 'info', title: 'Payment canceled', body: `${money(event.amount)} — ${event.cancellation_reason.replaceAll('_', ' ')}` },
        receipt: null,
      };
    case 'payment.refunded.v1':
      return {
        ...base,
        notification: { severity: 'info', title: event.refund_status === 'full' ? 'Fully refunded' : 'Refunded', body: `${money(event.amount_refunded)} returned` },
        receipt: [
          'REFUND',
          ...reference,
          `Refund   ${money(event.amount_refunded)}`,
          `Refunded ${money(event.total_refunded)} of ${money(event.amount_received)}`,
          `Payment  ${event.payment_intent_id}`,
          event.occurred_at,
        ],
      };
  }
}

/** A bounded set of recently seen ids (oldest forgotten first). */
export class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly rememberMax = 10_000) {}

  /** True the first time `id` is seen (and remembers it); false for a duplicate. */
  firstTime(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.rememberMax) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }
}

export type DeviceConsumerOptions = Readonly<{
  brokers: readonly string[];
  groupId?: string;
  topic?: string;
  fromBeginning?: boolean;
  /** Where the output goes: the terminal's push channel in production. */
  sink: (output: DeviceOutput) => Promise<void> | void;
  log: ConsumerLog;
  rememberMax?: number;
}>;

/** Consumes payment events and shows each one once on its terminal. */
export function startDeviceConsumer(options: DeviceConsumerOptions): Promise<RunningConsumer> {
  const recent = new RecentIds(options.rememberMax);
  return consumeIntegrationEvents({
    brokers: options.brokers,
    groupId: options.groupId ?? 'device-notifications',
    ...(options.topic === undefined ? {} : { topic: options.topic }),
    fromBeginning: options.fromBeginning ?? false,
    log: options.log,
    handle: async (event, info) => {
      if (!recent.firstTime(event.id)) {
        options.log('info', 'duplicate event skipped', { ...info, id: event.id });
        return;
      }
      await options.sink(renderForDevice(event));
    },
  });
}
