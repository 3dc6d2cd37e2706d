/**
 * Random PaymentIntent histories for property tests (test support only; never imported by the
 * domain). A scenario is a creation in one of the five set-ups followed by up to 40 steps; each step
 * advances a monotonic clock (mostly by minutes, rarely by days, to cross `expiresAt` and
 * `captureBefore`) and issues a command of any type. Attempt and refund ids come from small pools
 * and amounts are mostly the intent's own, so attempts really succeed, fail, get canceled and get
 * reported late; some amounts and currencies are wrong on purpose, so refusals happen too.
 */
import fc from 'fast-check';
import type { Money } from '../../shared/index.js';
import { decide, evolve, initialState, isPaymentIntentError } from '../index.js';
import type { PaymentIntent, PaymentIntentCommand, PaymentIntentEvent } from '../index.js';
import { approved, authorized, card, cardAuthOnly, cash, commandsFor, declined, qr, qrPreAuth, succeeded } from './fixtures.js';
import type { Setup } from './fixtures.js';

const baseMs = Date.UTC(2025, 5, 1, 10, 0, 0);
const instantAt = (minutes: number): string => new Date(baseMs + minutes * 60_000).toISOString();

export type Scenario = Readonly<{ setup: Setup; amount: number; steps: readonly Step[] }>;
type Step = Readonly<{ advanceMinutes: number; command: PaymentIntentCommand }>;
type Commands = ReturnType<typeof commandsFor>;

const jpy = (amountMinor: number) => ({ amountMinor, currency: 'JPY' }) as const;
const attemptId = fc.constantFrom('att_1', 'att_2');
const refundId = fc.constantFrom('rf_1', 'rf_2', 'rf_3');
const deadline = fc.option(fc.integer({ min: 0, max: 12_000 }).map(instantAt), { nil: null });
const maskedPan = fc.constantFrom('424242******4242', '555555******4444', '4000000000000002');
const cancelReason = fc.constantFrom('duplicate', 'fraudulent', 'requested_by_customer', 'abandoned');
const compensation = fc.constantFrom('authorization_voided', 'payment_reversed', 'payment_refunded');
const declineCode = fc.constantFrom('do_not_honor', 'lost_card');
const providerError = fc.constantFrom('USER_CANCELED', 'EXPIRED').map((code) => ({ outcome: 'failed', code, message: code }) as const);
const expiry = fc.integer({ min: 1, max: 3000 }).map(instantAt);
const cashFor = commandsFor(cash);

/** Card approvals with any amount, any (or no) capture deadline, and sometimes an unmasked number. */
function approvals(money: fc.Arbitrary<Money>) {
  return fc.tuple(money, deadline, maskedPan).map(([paid, before, pan]) => ({ ...approved(paid, before), maskedPan: pan }));
}

type Weighted = fc.WeightedArbitrary<PaymentIntentCommand>;

/** Mostly the intent's own amount (so attempts can succeed), sometimes any amount, rarely a foreign currency. */
function moneyFor(amount: number): fc.Arbitrary<Money> {
  const usd: Money = { amountMinor: amount, currency: 'USD' };
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant<Money>(jpy(amount)) },
    { weight: 4, arbitrary: fc.integer({ min: 0, max: amount + 50 }).map<Money>(jpy) },
    { weight: 1, arbitrary: fc.constant(usd) },
  );
}

function attemptCommands(c: Commands, money: fc.Arbitrary<Money>): Weighted[] {
  return [
    { weight: 6, arbitrary: attemptId.map((id) => c.confirm(id)) },
    { weight: 3, arbitrary: fc.tuple(money, attemptId).map(([tendered, id]) => cashFor.confirmCash(tendered, id)) },
    { weight: 6, arbitrary: fc.tuple(approvals(money), attemptId).map(([result, id]) => c.cardResult(result, id)) },
    {
      weight: 3,
      arbitrary: fc.tuple(declineCode, attemptId).map(([code, id]) => c.cardResult({ ...declined, declineCode: code }, id)),
    },
    { weight: 1, arbitrary: attemptId.map((id) => c.cardResult({ outcome: 'unknown' }, id)) },
    { weight: 3, arbitrary: fc.tuple(attemptId, fc.constantFrom('code_1', 'code_2')).map(([id, code]) => c.qrIssued(id, code)) },
    { weight: 6, arbitrary: fc.tuple(money, attemptId).map(([paid, id]) => c.providerResult(succeeded(paid), id)) },
    { weight: 4, arbitrary: fc.tuple(money, attemptId).map(([paid, id]) => c.providerResult(authorized(paid), id)) },
    { weight: 3, arbitrary: fc.tuple(providerError, attemptId).map(([failed, id]) => c.providerResult(failed, id)) },
    { weight: 2, arbitrary: attemptId.map((id) => c.providerResult({ outcome: 'unknown' }, id)) },
    { weight: 4, arbitrary: fc.tuple(attemptId, compensation).map(([id, method]) => c.compensate(id, method)) },
  ];
}

function closingAndRefundCommands(c: Commands, money: fc.Arbitrary<Money>, amount: number): Weighted[] {
  const failed = { outcome: 'failed', failureReason: 'REFUND_WINDOW_EXCEED' } as const;
  return [
    { weight: 1, arbitrary: fc.constant(c.create({ amount: jpy(amount) })) },
    { weight: 1, arbitrary: expiry.map((expiresAt) => c.create({ amount: jpy(amount), expiresAt })) },
    { weight: 4, arbitrary: fc.option(money, { nil: null }).map((asked) => c.capture(asked)) },
    {
      weight: 1,
      arbitrary: fc.tuple(cancelReason, fc.boolean()).map(([reason, accepted]) => c.cancel(reason, accepted)),
    },
    { weight: 1, arbitrary: fc.constant(c.expire(instantAt(0))) },
    { weight: 6, arbitrary: fc.tuple(refundId, money).map(([id, refunded]) => c.refund(id, refunded)) },
    { weight: 3, arbitrary: refundId.map((id) => c.refundResult(id, { outcome: 'succeeded', providerRefundId: id })) },
    { weight: 2, arbitrary: refundId.map((id) => c.refundResult(id, failed)) },
  ];
}

/** One step: some minutes pass (rarely days, to cross `expiresAt` and `captureBefore`), then a command. */
function stepsFor(setup: Setup, amount: number): fc.Arbitrary<Step> {
  const c = commandsFor(setup);
  const money = moneyFor(amount);
  const command = fc.oneof(...attemptCommands(c, money), ...closingAndRefundCommands(c, money, amount));
  const advanceMinutes = fc.oneof(weightedMinutes(20, 3), weightedMinutes(1, 11_000));
  return fc.record({ advanceMinutes, command });
}

function weightedMinutes(weight: number, max: number): fc.WeightedArbitrary<number> {
  return { weight, arbitrary: fc.integer({ min: 0, max }) };
}

const setups = fc.constantFrom(cash, card, cardAuthOnly, qr, qrPreAuth);
export const scenarios: fc.Arbitrary<Scenario> = fc.record({ setup: setups, amount: fc.integer({ min: 1, max: 20_000 }) }).chain(({ setup, amount }) =>
  fc.record({
    setup: fc.constant(setup),
    amount: fc.constant(amount),
    steps: fc.array(stepsFor(setup, amount), { maxLength: 40, size: 'max' }),
  }),
);

type Events = readonly PaymentIntentEvent[];
export type Accepted = Readonly<{
  command: PaymentIntentCommand;
  before: PaymentIntent;
  events: Events;
  after: PaymentIntent;
}>;
export type Run = Readonly<{
  accepted: readonly Accepted[];
  states: readonly PaymentIntent[];
  events: Events;
  final: PaymentIntent;
}>;

const withNow = (command: PaymentIntentCommand, now: string): PaymentIntentCommand => ({ ...command, data: { ...command.data, now } }) as PaymentIntentCommand;

/** Decides every step in order; a `DomainError` of this aggregate is a refusal, anything else fails the property. */
export function run(scenario: Scenario): Run {
  const first = commandsFor(scenario.setup).create({ amount: { amountMinor: scenario.amount, currency: 'JPY' } });
  let state = initialState();
  let clockMinutes = 0;
  const accepted: Accepted[] = [];
  const states: PaymentIntent[] = [];
  const events: PaymentIntentEvent[] = [];
  for (const step of [{ advanceMinutes: 0, command: first }, ...scenario.steps]) {
    clockMinutes += step.advanceMinutes;
    const command = withNow(step.command, instantAt(clockMinutes));
    let decided: readonly PaymentIntentEvent[];
    try {
      decided = decide(command, state);
    } catch (error) {
      if (isPaymentIntentError(error)) continue;
      throw error;
    }
    const before = state;
    state = decided.reduce(evolve, state);
    accepted.push({ command, before, events: decided, after: state });
    states.push(state);
    events.push(...decided);
  }
  return { accepted, states, events, final: state };
}
