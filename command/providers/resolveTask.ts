/**
 * `resolve`: the attempt waits for the customer, or its outcome is unknown. The provider's query API
 * is the only source of truth (payments.md §4.5 steps 4, 5 and 8; webhooks only make this run
 * sooner): COMPLETED → succeeded, AUTHORIZED → authorized (requires_capture), FAILED → failed;
 * still CREATED → ask again, and once the QR has expired delete it and fail the attempt; not found
 * after expiry (or when no QR was ever shown) → failed. An attempt whose outcome stays unknown past
 * the deadline is canceled at the provider (retried until accepted) and then failed.
 */
import type { PaymentStatus, QrProvider } from '../../domain/providers/index.js';
import type { ProviderResult } from '../../domain/paymentIntent/index.js';
import type { ProviderTaskRow } from '../../schemas/readModels/providerTasks.js';
import { runReactorCommand } from './reactorCommand.js';
import { CANCELED_AT_PROVIDER } from '../../schemas/readModels/providerTasks.js';
import { backoffMs, finished, isMpm, PENDING_POLL_MS, recorded, retry, type ProviderTaskDependencies, type TaskResult, type TaskRun } from './taskResult.js';

/** Sends the provider's answer as a ReportProviderResult; a refusal (the intent moved on) ends the task. */
export async function reportResult(dependencies: ProviderTaskDependencies, task: ProviderTaskRow, result: ProviderResult, outcome: string): Promise<TaskResult> {
  const answer = await runReactorCommand(dependencies.context, task.payment_intent_id, task.task_id, (_state, now) => ({
    type: 'ReportProviderResult',
    data: { paymentIntentId: task.payment_intent_id, now, attemptId: task.attempt_id, result },
  }));
  return answer.accepted ? recorded(outcome) : finished(`refused:${answer.code}`);
}

/** The positive or failed answers of a status query, as a report; undefined when there is no decision yet. */
export function decisionOf(status: PaymentStatus): ProviderResult | undefined {
  switch (status.outcome) {
    case 'succeeded':
      return { outcome: 'succeeded', amount: status.amount, providerPaymentId: status.providerPaymentId };
    case 'authorized':
      return { outcome: 'authorized', amount: status.amount, providerPaymentId: status.providerPaymentId, captureBefore: status.captureBefore };
    case 'failed':
      return { outcome: 'failed', code: status.code, message: status.message };
    case 'pending':
    case 'not_found':
    case 'unknown':
      return undefined;
  }
}

export async function performResolve(dependencies: ProviderTaskDependencies, task: ProviderTaskRow, run: TaskRun, provider: QrProvider): Promise<TaskResult> {
  const status = await provider.getPayment(task.attempt_id);
  const decision = decisionOf(status);
  if (decision !== undefined) return reportResult(dependencies, task, decision, status.outcome);
  const now = dependencies.context.now().getTime();
  const expiredAt = task.qr_expires_at === null ? null : Date.parse(task.qr_expires_at) + dependencies.qrExpiryGraceMs;
  const pastDeadline = now >= Date.parse(task.opened_at) + dependencies.unresolvedCancelAfterMs;
  switch (status.outcome) {
    case 'pending':
      if (expiredAt !== null && now >= expiredAt) return expireQr(dependencies, task, provider);
      if (expiredAt === null && pastDeadline) return cancelUnresolved(dependencies, task, run, provider);
      return retry(expiredAt === null ? backoffMs(run.attempts) : PENDING_POLL_MS, 'pending');
    case 'not_found':
      // No QR and no payment: after the QR's expiry, or when no QR ever reached a terminal, nobody can pay any more.
      if (expiredAt === null || now >= expiredAt)
        return reportResult(dependencies, task, { outcome: 'failed', code: 'not_found', message: 'The provider has no payment for this attempt.' }, 'not_found');
      return retry(PENDING_POLL_MS, 'not_found_before_expiry');
    case 'unknown':
      if (pastDeadline && expiredAt === null) return cancelUnresolved(dependencies, task, run, provider);
      return retry(backoffMs(run.attempts), `unknown:${status.reason}`);
    case 'succeeded':
    case 'authorized':
    case 'failed':
      // Decided above.
      return retry(backoffMs(run.attempts), status.outcome);
  }
}

/** The QR expired unpaid: delete it, look once more (a payment may have slipped in), then fail the attempt. */
async function expireQr(dependencies: ProviderTaskDependencies, task: ProviderTaskRow, provider: QrProvider): Promise<TaskResult> {
  if (isMpm(provider) && task.code_id !== null) {
    const deleted = await provider.deleteQr(task.code_id);
    if (deleted.outcome === 'unknown') return retry(PENDING_POLL_MS, `delete_qr_unknown:${deleted.reason}`);
  }
  const status = await provider.getPayment(task.attempt_id);
  const decision = decisionOf(status);
  if (decision !== undefined) return reportResult(dependencies, task, decision, status.outcome);
  if (status.outcome === 'unknown') return retry(PENDING_POLL_MS, `unknown:${status.reason}`);
  return reportResult(dependencies, task, { outcome: 'failed', code: 'qr_expired', message: 'The QR code expired unpaid.' }, 'qr_expired');
}

/** payments.md §4.5 step 5: cancel at the provider, retrying until accepted; then the attempt has failed. */
async function cancelUnresolved(dependencies: ProviderTaskDependencies, task: ProviderTaskRow, run: TaskRun, provider: QrProvider): Promise<TaskResult> {
  const canceled = await provider.cancelPayment(task.attempt_id);
  if (canceled.outcome === 'unknown') return retry(backoffMs(run.attempts), `cancel_unknown:${canceled.reason}`);
  if (canceled.outcome === 'rejected') {
    // Not reversible: the payment exists in a state the next query will show (e.g. it completed).
    return retry(PENDING_POLL_MS, `cancel_rejected:${canceled.code}`);
  }
  return reportResult(
    dependencies,
    task,
    { outcome: 'failed', code: CANCELED_AT_PROVIDER, message: 'The outcome stayed unknown; the payment was canceled at the provider.' },
    'canceled_at_provider',
  );
}
