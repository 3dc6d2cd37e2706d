/**
 * One provider task, performed (the provider reactor in infra/runtime/reactors calls this for each open
 * task whose time has come). Finds the store's provider adapter in the registry, then runs the task's
 * kind. A provider that cannot be used (not configured, disabled, credentials unreadable) is retried
 * slowly, so an operator's fix takes effect without losing the task.
 */
import type { ProviderTaskRow } from '../../schemas/readModels/providerTasks.js';
import { performCapture } from './captureTask.js';
import { performCreateQr } from './createQrTask.js';
import { performResolve } from './resolveTask.js';
import { performCleanup, performCompensate, performRecheck, performRefund } from './settleTasks.js';
import { finished, isMpm, retry, type ProviderTaskDependencies, type TaskResult, type TaskRun } from './taskResult.js';

export type { ProviderTaskDependencies, TaskResult, TaskRun } from './taskResult.js';
export { backoffMs } from './taskResult.js';

const PROVIDER_UNAVAILABLE_RETRY_MS = 30_000;

export async function performProviderTask(dependencies: ProviderTaskDependencies, task: ProviderTaskRow, run: TaskRun): Promise<TaskResult> {
  const found = await dependencies.providers.forStore(task.store_id, task.provider);
  if (!found.available) return retry(PROVIDER_UNAVAILABLE_RETRY_MS, `provider_unavailable:${found.reason}`);
  const provider = found.provider;
  switch (task.kind) {
    case 'create_qr':
      // A customer-presented (CPM) provider has no QR to create: its payment is made at confirm time.
      return isMpm(provider) ? performCreateQr(dependencies, task, run, provider) : finished('cpm_provider_has_no_qr');
    case 'resolve':
      return performResolve(dependencies, task, run, provider);
    case 'cleanup':
      return performCleanup(dependencies, task, run, provider);
    case 'compensate':
      return performCompensate(dependencies, task, run, provider);
    case 'refund':
      return performRefund(dependencies, task, run, provider);
    case 'recheck':
      return performRecheck(dependencies, task, run, provider);
    case 'capture':
      return performCapture(dependencies, task, run, provider);
  }
}
