/**
 * Fault injection, per request or by seed. A rule names an operation (an API call or `webhook`), a
 * fault and how many times it fires, optionally only for one `merchantPaymentId`. With a seed and a
 * rate (SANDBOX_FAULT_SEED, SANDBOX_FAULT_RATE), every call also draws a fault from a seeded
 * generator, so a run with the same seed and the same calls injects the same faults.
 *
 * API faults: `timeout` (not processed, no answer before the client's deadline), `server_error` (500,
 * not processed), `lost_answer` (processed, then no answer), `unparsable` (processed, then an answer
 * that is not PayPay's JSON, as from a proxy), `refund_stuck` (the refund stays CREATED).
 * Webhook faults: `drop` (never sent), `duplicate` (sent twice), `delay` (sent later, so out of order).
 */
import { z } from 'zod';

export const apiOperations = ['create_qr', 'delete_qr', 'get_payment', 'cancel_payment', 'capture', 'revert', 'refund', 'get_refund', 'cpm_pay', 'cpm_check'] as const;
export type ApiOperation = (typeof apiOperations)[number];

export const apiFaults = ['timeout', 'server_error', 'lost_answer', 'unparsable', 'refund_stuck'] as const;
export const webhookFaults = ['drop', 'duplicate', 'delay'] as const;
export type ApiFault = (typeof apiFaults)[number];
export type WebhookFault = (typeof webhookFaults)[number];

export const faultRuleSchema = z.discriminatedUnion('operation', [
  z.strictObject({
    operation: z.literal('webhook'),
    fault: z.enum(webhookFaults),
    times: z.int().min(1).max(10_000).default(1),
    match: z
      .strictObject({ merchantPaymentId: z.string().min(1).max(64) })
      .partial()
      .default({}),
  }),
  ...apiOperations.map((operation) =>
    z.strictObject({
      operation: z.literal(operation),
      fault: z.enum(apiFaults),
      times: z.int().min(1).max(10_000).default(1),
      match: z
        .strictObject({ merchantPaymentId: z.string().min(1).max(64) })
        .partial()
        .default({}),
    }),
  ),
]);
export type FaultRule = z.infer<typeof faultRuleSchema>;

/** mulberry32: a small seeded generator (uniform in [0, 1)). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type FaultBook = Readonly<{
  add: (rule: FaultRule) => void;
  clear: () => void;
  apiFault: (operation: ApiOperation, merchantPaymentId: string | undefined) => ApiFault | undefined;
  webhookFault: (merchantPaymentId: string) => WebhookFault | undefined;
  injected: () => Readonly<Record<string, number>>;
  rules: () => readonly FaultRule[];
}>;

export function createFaultBook(options: Readonly<{ seed?: number; rate?: number }> = {}): FaultBook {
  const rules: { rule: FaultRule; left: number }[] = [];
  const counts: Record<string, number> = {};
  const random = options.seed === undefined ? undefined : seeded(options.seed);
  const rate = options.rate ?? 0;
  const count = (kind: string): void => {
    counts[kind] = (counts[kind] ?? 0) + 1;
  };
  const take = (operation: string, merchantPaymentId: string | undefined): FaultRule | undefined => {
    const found = rules.find(
      ({ rule, left }) => left > 0 && rule.operation === operation && (rule.match.merchantPaymentId === undefined || rule.match.merchantPaymentId === merchantPaymentId),
    );
    if (found === undefined) return undefined;
    found.left -= 1;
    return found.rule;
  };
  const draw = <F extends string>(choices: readonly F[]): F | undefined => {
    if (random === undefined || random() >= rate) return undefined;
    return choices[Math.floor(random() * choices.length)];
  };
  return {
    add: (rule) => rules.push({ rule, left: rule.times }),
    clear: () => rules.splice(0),
    apiFault: (operation, merchantPaymentId) => {
      const rule = take(operation, merchantPaymentId);
      const fault =
        rule !== undefined && rule.operation !== 'webhook' ? rule.fault : draw(operation === 'refund' ? apiFaults : (['timeout', 'server_error', 'lost_answer'] as const));
      if (fault !== undefined) count(`${operation}.${fault}`);
      return fault;
    },
    webhookFault: (merchantPaymentId) => {
      const rule = take('webhook', merchantPaymentId);
      const fault = rule !== undefined && rule.operation === 'webhook' ? rule.fault : draw(webhookFaults);
      if (fault !== undefined) count(`webhook.${fault}`);
      return fault;
    },
    injected: () => ({ ...counts }),
    rules: () => rules.filter(({ left }) => left > 0).map(({ rule }) => rule),
  };
}
