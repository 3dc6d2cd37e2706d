/** The command side of QR providers: the provider tasks the reactor performs, and the webhook route. */
export { performProviderTask, backoffMs, type ProviderTaskDependencies, type TaskResult, type TaskRun } from './performTask.js';
export { registerProviderWebhookRoute, type WebhookDependencies } from './webhookRoute.js';
export { cancelWindowEndsAt } from './taskResult.js';
