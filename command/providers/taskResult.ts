/**
 * What performing one provider task came to, for the reactor's bookkeeping (infra/runtime/reactors):
 * - `recorded`: a command was appended; the resulting event will close the task in provider_tasks;
 * - `finished`: nothing more to do, and no event will say so (e.g. a cleanup that found nothing);
 * - `retry`: ask again after `afterMs` (not paid yet, an unknown answer, the provider unavailable).
 */
import type { MpmQrProvider, QrProvider, QrProviderRegistry } from '../../domain/providers/index.js';
import type { ProviderTaskRow } from '../../schemas/readModels/providerTasks.js';
import type { CommandContext } from '../commandContext.js';

export type TaskResult =
  Readonly<{ kind: 'recorded'; outcome: string }> | Readonly<{ kind: 'finished'; outcome: string }> | Readonly<{ kind: 'retry'; afterMs: number; outcome: string }>;

export type ProviderTaskDependencies = Readonly<{
  context: CommandContext;
  providers: QrProviderRegistry;
  /** An attempt whose outcome stays unknown (no QR was ever shown) this long is canceled at the provider. */
  unresolvedCancelAfterMs: number;
  /** How long after a QR's expiry the customer's app may still complete a payment it started. */
  qrExpiryGraceMs: number;
}>;

/** The reactor's own record of a task (provider_task_runs): how often it ran, whether a create was ever sent. */
export type TaskRun = Readonly<{
  attempts: number;
  dispatchedAt: string | null;
  /** Durably notes that a create is about to be sent, BEFORE it is sent (never a second create per reference). */
  markDispatched: () => Promise<void>;
}>;

export type TaskInput = Readonly<{ task: ProviderTaskRow; run: TaskRun; provider: QrProvider }>;

export const recorded = (outcome: string): TaskResult => ({ kind: 'recorded', outcome });
export const finished = (outcome: string): TaskResult => ({ kind: 'finished', outcome });
export const retry = (afterMs: number, outcome: string): TaskResult => ({ kind: 'retry', afterMs, outcome });

/** Polling cadence while a customer may still pay: every 2.5 s (payments.md §4.1: 2–3 s). */
export const PENDING_POLL_MS = 2_500;

/** Back-off for unknown answers: 2 s, 3 s, 5 s, 8 s, … at most 60 s. */
export function backoffMs(attempts: number): number {
  let previous = 1_000;
  let current = 2_000;
  for (let index = 0; index < attempts; index += 1) [previous, current] = [current, Math.min(previous + current, 60_000)];
  return current;
}

export const isMpm = (provider: QrProvider): provider is MpmQrProvider => provider.presentation === 'mpm';

export const amountOf = (task: ProviderTaskRow): Readonly<{ amountMinor: number; currency: 'JPY' }> => {
  if (task.currency !== 'JPY') throw new Error(`provider task ${task.task_id}: currency ${task.currency} is not supported by QR providers`);
  return { amountMinor: Number(task.amount), currency: 'JPY' };
};

/**
 * The end of PayPay's cancel window for a payment made at `instant`: 00:14:59 JST the next day
 * (payments.md §4.1), i.e. 15:14:59 UTC on the JST calendar date of the payment.
 */
export function cancelWindowEndsAt(instant: string): Date {
  const jst = new Date(Date.parse(instant) + 9 * 3_600_000);
  return new Date(Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth(), jst.getUTCDate(), 15, 14, 59));
}
