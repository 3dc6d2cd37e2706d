/**
 * `capture`: the intent captured a held QR authorization (PaymentIntentCaptured): capture it at the
 * provider (payments.md §4.1). A timed-out capture is retried with a new `merchantCaptureId`, as
 * PayPay asks; `ALREADY_CAPTURED` means an earlier try went through. Any other refusal (the
 * authorization expired, say) ends the task with that outcome, visible in the reactor's status and
 * runs: the ledger recorded the capture, so ops must settle it with the provider.
 */
import type { QrProvider } from '../../domain/providers/index.js';
import type { ProviderTaskRow } from '../../schemas/readModels/providerTasks.js';
import { amountOf, backoffMs, finished, retry, type ProviderTaskDependencies, type TaskResult, type TaskRun } from './taskResult.js';

export async function performCapture(dependencies: ProviderTaskDependencies, task: ProviderTaskRow, run: TaskRun, provider: QrProvider): Promise<TaskResult> {
  const captured = await provider.capture({
    merchantPaymentId: task.attempt_id,
    merchantCaptureId: `cap_${task.attempt_id}_${run.attempts}`,
    amount: amountOf(task),
    requestedAt: dependencies.context.now().toISOString(),
  });
  switch (captured.outcome) {
    case 'captured':
      return finished('captured');
    case 'rejected':
      return finished(captured.code === 'ALREADY_CAPTURED' ? 'already_captured' : `capture_rejected:${captured.code}`);
    case 'unknown':
      return retry(backoffMs(run.attempts), `capture_unknown:${captured.reason}`);
  }
}
