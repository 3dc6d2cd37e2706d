/**
 * `create_qr`: create the attempt's dynamic QR at the provider and record it, so the terminal's
 * `next_action.display_qr` carries what to show (payments.md §4.5 steps 1–3). The attempt id is the
 * provider reference (`merchantPaymentId`), persisted in the attempt before any call; the reactor
 * notes durably that a create is being sent BEFORE it is sent, so after a crash or a timeout the
 * attempt is resolved by querying, never by a second create with the same reference.
 */
import type { MpmQrProvider, QrCode } from '../../domain/providers/index.js';
import type { ProviderTaskRow } from '../../schemas/readModels/providerTasks.js';
import { runReactorCommand } from './reactorCommand.js';
import { amountOf, finished, recorded, type ProviderTaskDependencies, type TaskResult, type TaskRun } from './taskResult.js';

export async function performCreateQr(dependencies: ProviderTaskDependencies, task: ProviderTaskRow, run: TaskRun, provider: MpmQrProvider): Promise<TaskResult> {
  if (run.dispatchedAt !== null) return reportUnknown(dependencies, task, 'a create was already sent for this reference; resolving by query');
  await run.markDispatched();
  const created = await provider.createQr({
    merchantPaymentId: task.attempt_id,
    amount: amountOf(task),
    captureMethod: task.capture_method,
    orderDescription: `Payment ${task.payment_intent_id}`,
    storeId: task.store_id,
    terminalId: task.terminal_id,
    requestedAt: dependencies.context.now().toISOString(),
  });
  switch (created.outcome) {
    case 'created':
      return recordQr(dependencies, task, provider, created.qr);
    case 'rejected': {
      const result = await runReactorCommand(dependencies.context, task.payment_intent_id, task.task_id, (_state, now) => ({
        type: 'ReportProviderResult',
        data: { paymentIntentId: task.payment_intent_id, now, attemptId: task.attempt_id, result: { outcome: 'failed', code: created.code, message: created.message } },
      }));
      return result.accepted ? recorded(`create_rejected:${created.code}`) : finished(`refused:${result.code}`);
    }
    case 'unknown':
      return reportUnknown(dependencies, task, `${created.reason}: ${created.detail}`);
  }
}

async function recordQr(dependencies: ProviderTaskDependencies, task: ProviderTaskRow, provider: MpmQrProvider, qr: QrCode): Promise<TaskResult> {
  const result = await runReactorCommand(dependencies.context, task.payment_intent_id, task.task_id, (_state, now) => ({
    type: 'RecordQrIssued',
    data: { paymentIntentId: task.payment_intent_id, now, attemptId: task.attempt_id, qr },
  }));
  if (result.accepted) return recorded('qr_issued');
  // The intent moved on while the QR was being made (canceled, say): nobody may pay this QR.
  await provider.deleteQr(qr.codeId);
  return finished(`refused:${result.code}; QR ${qr.codeId} deleted`);
}

async function reportUnknown(dependencies: ProviderTaskDependencies, task: ProviderTaskRow, why: string): Promise<TaskResult> {
  const result = await runReactorCommand(dependencies.context, task.payment_intent_id, task.task_id, (_state, now) => ({
    type: 'ReportProviderResult',
    data: { paymentIntentId: task.payment_intent_id, now, attemptId: task.attempt_id, result: { outcome: 'unknown' } },
  }));
  return result.accepted && result.appended > 0 ? recorded(`unknown (${why})`) : finished(`unknown not recorded (${result.accepted ? 'no change' : result.code}); ${why}`);
}
