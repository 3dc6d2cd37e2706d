import type { FastifyInstance } from 'fastify';
import { Money } from '../../domain/shared/index.js';
import { confirmPaymentIntentBodySchema } from '../../schemas/paymentIntent.js';
import { registerIntentCommandRoute } from './intentCommandRoute.js';
import type { PaymentIntentRouteDependencies } from './runPaymentIntentCommand.js';

/**
 * `POST /v1/payment_intents/:id/confirm`: starts a PaymentAttempt (its id is the provider's
 * merchant reference). Cash completes at once (tendered ≥ amount, change recorded); card waits in
 * `requires_action` for the card app's result; QR waits for the provider's result.
 */
export function registerConfirmPaymentIntent(app: FastifyInstance, dependencies: PaymentIntentRouteDependencies): void {
  registerIntentCommandRoute(app, dependencies, {
    action: '/confirm',
    summary: 'Confirm a payment intent (start a payment attempt)',
    auth: ['partner', 'terminal', 'payment_token'],
    body: confirmPaymentIntentBodySchema,
    successStatus: 200,
    toCommand: ({ body, paymentIntentId, now }) => {
      const method = body.payment_method;
      return {
        type: 'ConfirmPaymentIntent',
        data: {
          paymentIntentId,
          now,
          attemptId: dependencies.context.newId('pa'),
          paymentMethod: method.type === 'cash' ? { type: 'cash', tendered: Money.of(method.tendered, 'JPY') } : { type: method.type },
        },
      };
    },
  });
}
