/**
 * The tasks that give money back or close what is left open at the provider:
 * - `cleanup`: the intent was canceled (or expired) while its QR was shown: delete the QR, then look
 *   for a payment that slipped in (reported as a late success, which the domain turns into a required
 *   compensation); or it was canceled while authorized: revert the authorization.
 * - `compensate`: the provider took money the intent could not accept (a late success, an amount
 *   mismatch): reverse it while the provider's cancel window is open, refund it after (payments.md
 *   §4.5 steps 5–7), then record how (`RecordAttemptCompensation`).
 * - `refund`: send a requested refund; CREATED and REFUNDED both count as accepted (§4.1).
 */
import type { CompensationMethod } from '../../domain/paymentIntent/index.js';
import type { QrProvider } from '../../domain/providers/index.js';
import type { ProviderTaskRow } from '../../schemas/readModels/providerTasks.js';
import { runReactorCommand } from './reactorCommand.js';
import { decisionOf, reportResult } from './resolveTask.js';
import { amountOf, backoffMs, cancelWindowEndsAt, finished, isMpm, recorded, retry, type ProviderTaskDependencies, type TaskResult, type TaskRun } from './taskResult.js';

export async function performCleanup(dependencies: ProviderTaskDependencies, task: ProviderTaskRow, run: TaskRun, provider: QrProvider): Promise<TaskResult> {
  if (task.detail === 'requires_capture') {
    const reverted = await provider.revertAuthorization(task.attempt_id, `rev_${task.attempt_id}`);
    if (reverted.outcome === 'unknown') return retry(backoffMs(run.attempts), `revert_unknown:${reverted.reason}`);
    return finished(reverted.outcome === 'accepted' ? 'authorization_reverted' : `revert_rejected:${reverted.code}`);
  }
  if (isMpm(provider) && task.code_id !== null) {
    const deleted = await provider.deleteQr(task.code_id);
    if (deleted.outcome === 'unknown') return retry(backoffMs(run.attempts), `delete_qr_unknown:${deleted.reason}`);
  }
  const status = await provider.getPayment(task.attempt_id);
  if (status.outcome === 'unknown') return retry(backoffMs(run.attempts), `unknown:${status.reason}`);
  const decision = decisionOf(status);
  if (decision !== undefined && decision.outcome !== 'failed') return reportResult(dependencies, task, decision, `late_${status.outcome}`);
  return finished(`closed_at_provider:${status.outcome}`);
}

export async function performCompensate(dependencies: ProviderTaskDependencies, task: ProviderTaskRow, run: TaskRun, provider: QrProvider): Promise<TaskResult> {
  const method = await giveBack(dependencies, task, provider);
  if (method.kind === 'retry') return retry(backoffMs(run.attempts), method.why);
  const answer = await runReactorCommand(dependencies.context, task.payment_intent_id, task.task_id, (_state, now) => ({
    type: 'RecordAttemptCompensation',
    data: { paymentIntentId: task.payment_intent_id, now, attemptId: task.attempt_id, method: method.method },
  }));
  return answer.accepted ? recorded(method.method) : finished(`refused:${answer.code}`);
}

type GiveBack = Readonly<{ kind: 'done'; method: CompensationMethod }> | Readonly<{ kind: 'retry'; why: string }>;

async function giveBack(dependencies: ProviderTaskDependencies, task: ProviderTaskRow, provider: QrProvider): Promise<GiveBack> {
  if (task.detail === 'void_authorization') {
    const reverted = await provider.revertAuthorization(task.attempt_id, `cmp_${task.attempt_id}`);
    return reverted.outcome === 'accepted' ? { kind: 'done', method: 'authorization_voided' } : { kind: 'retry', why: `revert_${reverted.outcome}` };
  }
  if (dependencies.context.now() <= cancelWindowEndsAt(task.opened_at)) {
    const canceled = await provider.cancelPayment(task.attempt_id);
    if (canceled.outcome === 'accepted') return { kind: 'done', method: 'payment_reversed' };
    if (canceled.outcome === 'unknown') return { kind: 'retry', why: `cancel_unknown:${canceled.reason}` };
    // Not reversible any more (e.g. ORDER_NOT_REVERSIBLE): refund instead.
  }
  if (task.provider_payment_id === null) return { kind: 'retry', why: 'no provider payment id to refund' };
  const refunded = await provider.refund({
    merchantRefundId: `cmp_${task.attempt_id}`,
    merchantPaymentId: task.attempt_id,
    providerPaymentId: task.provider_payment_id,
    amount: amountOf(task),
    reason: 'compensation of a payment the ledger could not accept',
    requestedAt: dependencies.context.now().toISOString(),
  });
  return refunded.outcome === 'accepted' ? { kind: 'done', method: 'payment_refunded' } : { kind: 'retry', why: `refund_${refunded.outcome}` };
}

export async function performRefund(dependencies: ProviderTaskDependencies, task: ProviderTaskRow, run: TaskRun, provider: QrProvider): Promise<TaskResult> {
  const refundId = task.refund_id;
  if (refundId === null) throw new Error(`refund task ${task.task_id} has no refund id`);
  if (task.provider_payment_id === null) return retry(backoffMs(run.attempts), 'no provider payment id yet');
  const answer = await provider.refund({
    merchantRefundId: refundId,
    merchantPaymentId: task.attempt_id,
    providerPaymentId: task.provider_payment_id,
    amount: amountOf(task),
    reason: 'requested',
    requestedAt: dependencies.context.now().toISOString(),
  });
  if (answer.outcome === 'unknown') return retry(backoffMs(run.attempts), `unknown:${answer.reason}`);
  const result =
    answer.outcome === 'accepted' ? ({ outcome: 'succeeded', providerRefundId: answer.providerRefundId } as const) : ({ outcome: 'failed', failureReason: answer.code } as const);
  const reported = await runReactorCommand(dependencies.context, task.payment_intent_id, task.task_id, (_state, now) => ({
    type: 'ReportRefundResult',
    data: { paymentIntentId: task.payment_intent_id, now, refundId, result },
  }));
  return reported.accepted ? recorded(`refund_${answer.outcome}`) : finished(`refused:${reported.code}`);
}

/** `recheck`: one more look at a failed or canceled attempt; a payment found there is reported (a late success). */
export async function performRecheck(dependencies: ProviderTaskDependencies, task: ProviderTaskRow, run: TaskRun, provider: QrProvider): Promise<TaskResult> {
  const status = await provider.getPayment(task.attempt_id);
  if (status.outcome === 'unknown') return retry(backoffMs(run.attempts), `unknown:${status.reason}`);
  const decision = decisionOf(status);
  if (decision !== undefined && decision.outcome !== 'failed') return reportResult(dependencies, task, decision, `late_${status.outcome}`);
  return finished(`nothing_late:${status.outcome}`);
}
