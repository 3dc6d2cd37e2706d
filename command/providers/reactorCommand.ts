/**
 * Runs one PaymentIntent command on behalf of the provider reactor: load → decide → append, with the
 * reactor as actor and the task as causation. No idempotency key is needed: every command the
 * reactor sends is idempotent in the decider itself (the same report twice decides `[]`).
 */
import { paymentIntentDecider, toPaymentIntentStreamName, type PaymentIntent, type PaymentIntentCommand } from '../../domain/paymentIntent/index.js';
import { isDomainError } from '../../domain/shared/index.js';
import type { CommandContext } from '../commandContext.js';
import { executeCommand } from '../handleCommand.js';
import { serialize } from '../idempotentCommand.js';

export type ReactorCommandResult = Readonly<{ accepted: true; appended: number }> | Readonly<{ accepted: false; code: string; message: string }>;

/** `build` gets the intent's current state (again after a version conflict) and the reactor's `now`. */
export async function runReactorCommand(
  context: CommandContext,
  paymentIntentId: string,
  taskId: string,
  build: (state: PaymentIntent, now: string) => PaymentIntentCommand,
): Promise<ReactorCommandResult> {
  const now = context.now().toISOString();
  try {
    const outcome = await executeCommand(context, {
      aggregate: paymentIntentDecider,
      stream: toPaymentIntentStreamName(paymentIntentId),
      command: (state) => build(state, now),
      respond: () => serialize(200, {}),
      metadata: { actor: 'reactor:provider', causationId: taskId, correlationId: taskId },
    });
    return { accepted: true, appended: outcome.appended };
  } catch (error) {
    // A refusal is an answer (e.g. the intent moved on meanwhile); anything else is the store's trouble.
    if (isDomainError(error)) return { accepted: false, code: error.code, message: error.message };
    throw error;
  }
}
