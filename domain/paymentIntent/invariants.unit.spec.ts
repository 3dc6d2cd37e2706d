/**
 * What this proves: the invariants of payments.md (a.4) hold for ANY sequence of commands, in all
 * three modes, including invalid and out-of-order ones. `testing/commandSequences.ts` generates a
 * creation followed by up to 40 random commands (confirms, card and provider results, captures,
 * cancels, expiries, refunds, refund results, compensations, re-creations) over a monotonic clock;
 * each is decided and its events folded, and refusals are skipped. After every step: I1
 * `0 ≤ received ≤ amount` and a capturable amount exactly in `requires_capture`; I2 `completed` and
 * `canceled` are final and only refunds (on completed) and late-success compensation follow them;
 * I3 at most one open attempt and at most one succeeded attempt; I4
 * `Σ(pending + succeeded refunds) ≤ received`; every amount is a safe non-negative integer in the
 * intent's currency; I6 folding the events again, or after a JSON round trip, gives a deep-equal
 * state. Every accepted command, re-issued then or at the end, answers `[]`; and `decide` never
 * throws anything but a PaymentIntent `DomainError` (the runner rethrows anything else). A coverage
 * check proves the generator reaches every status and path, so the properties are not vacuous.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountRefundCommitted, decide, fold } from './index.js';
import type { PaymentIntentEvent } from './index.js';
import { run, scenarios } from './testing/commandSequences.js';
import type { Run } from './testing/commandSequences.js';

const property = (check: (result: Run) => void) => {
  fc.assert(
    fc.property(scenarios, (scenario) => {
      check(run(scenario));
    }),
    { numRuns: 400 },
  );
};

describe('PaymentIntent invariants I1–I4 over random command sequences', () => {
  it('I1: 0 ≤ received ≤ amount, and capturable > 0 exactly in requires_capture', () => {
    property(({ states }) => {
      for (const state of states) {
        if (state.status === 'absent') continue;
        expect(state.amountReceived.amountMinor).toBeGreaterThanOrEqual(0);
        expect(state.amountReceived.amountMinor).toBeLessThanOrEqual(state.amount.amountMinor);
        expect(state.amountCapturable.amountMinor).toBeLessThanOrEqual(state.amount.amountMinor);
        expect(state.amountCapturable.amountMinor > 0).toBe(state.status === 'requires_capture');
      }
    });
  });

  it('I2: completed and canceled are final; only refunds and late-success compensation follow', () => {
    const afterCompleted = ['RefundRequested', 'RefundSucceeded', 'RefundFailed', 'PaymentAttemptSucceededAfterFailure', 'PaymentAttemptCompensated'];
    const afterCanceled = ['PaymentAttemptSucceededAfterCancel', 'PaymentAttemptSucceededAfterFailure', 'PaymentAttemptCompensated'];
    property(({ accepted }) => {
      for (const { before, events, after } of accepted) {
        if (before.status !== 'completed' && before.status !== 'canceled') continue;
        expect(after.status).toBe(before.status);
        expect(after.status !== 'absent' && after.amountReceived).toStrictEqual(before.amountReceived);
        const allowed = before.status === 'completed' ? afterCompleted : afterCanceled;
        expect(events.map((event) => event.type).filter((type) => !allowed.includes(type))).toStrictEqual([]);
      }
    });
  });

  it('I3: at most one open attempt, the one the status names, and at most one succeeded attempt', () => {
    property(({ states }) => {
      for (const state of states) {
        if (state.status === 'absent') continue;
        const open = state.attempts.filter((attempt) => ['requires_action', 'processing', 'authorized'].includes(attempt.status));
        const named = state.status === 'requires_action' || state.status === 'processing' ? [state.activeAttemptId] : [];
        const held = state.status === 'requires_capture' ? [state.authorizedAttemptId] : [];
        expect(open.map((attempt) => attempt.attemptId)).toStrictEqual([...named, ...held]);
        const succeeded = state.attempts.filter((attempt) => attempt.status === 'succeeded');
        expect(succeeded.length).toBe(state.status === 'completed' ? 1 : 0);
        expect(new Set(state.attempts.map((attempt) => attempt.attemptId)).size).toBe(state.attempts.length);
      }
    });
  });

  it('I4: Σ(pending + succeeded refunds) ≤ received, and refunds exist only on completed intents', () => {
    property(({ states }) => {
      for (const state of states) {
        if (state.status === 'absent') continue;
        expect(amountRefundCommitted(state).amountMinor).toBeLessThanOrEqual(state.amountReceived.amountMinor);
        if (state.refunds.length > 0) expect(state.status).toBe('completed');
      }
    });
  });
});

describe('PaymentIntent amounts, replay and idempotency over random command sequences', () => {
  it('every amount in every event and state is a safe non-negative integer in the intent currency', () => {
    property(({ events, states }) => {
      const amounts = [...events, ...states].flatMap(moneyIn);
      for (const amount of amounts) {
        expect(Number.isSafeInteger(amount.amountMinor) && amount.amountMinor >= 0).toBe(true);
        expect(amount.currency).toBe('JPY');
      }
    });
  });

  it('I6: replay is deterministic, also after a JSON round trip of the events', () => {
    property(({ events, final }) => {
      expect(fold(events)).toStrictEqual(final);
      expect(fold(JSON.parse(JSON.stringify(events)) as PaymentIntentEvent[])).toStrictEqual(final);
    });
  });

  it('an accepted command re-issued, at once or after everything else, answers []', () => {
    property(({ accepted, final }) => {
      for (const { command, events, after } of accepted) {
        if (events.length === 0) continue;
        expect(decide(command, after)).toStrictEqual([]);
        expect(decide(command, final)).toStrictEqual([]);
      }
    });
  });

  it('reaches every status and the late-success paths (the properties are not vacuous)', () => {
    const statuses = new Set<string>();
    const types = new Set<string>();
    for (const scenario of fc.sample(scenarios, { numRuns: 1500, seed: 42 })) {
      const result = run(scenario);
      result.states.forEach((state) => statuses.add(state.status));
      result.events.forEach((event) => types.add(event.type));
    }
    expect([...statuses].sort()).toStrictEqual(['canceled', 'completed', 'pending', 'processing', 'requires_action', 'requires_capture']);
    for (const type of [
      'PaymentAttemptSucceededAfterCancel',
      'PaymentAttemptSucceededAfterFailure',
      'PaymentAttemptAmountMismatched',
      'PaymentAttemptCompensated',
      'PaymentIntentCaptured',
      'PaymentIntentExpired',
      'RefundFailed',
      'RefundSucceeded',
      'CashPaymentReceived',
    ]) {
      expect(types).toContain(type);
    }
  });
});

/** Every `{ amountMinor, currency }` object inside a value. */
function moneyIn(value: unknown): { amountMinor: number; currency: string }[] {
  if (typeof value !== 'object' || value === null) return [];
  if ('amountMinor' in value && 'currency' in value) {
    return [value as { amountMinor: number; currency: string }];
  }
  return Object.values(value).flatMap(moneyIn);
}
