import type { FastifyInstance } from 'fastify';
import { cancelPaymentIntentBodySchema } from '../../schemas/paymentIntent.js';
import { registerIntentCommandRoute } from './intentCommandRoute.js';
import type { PaymentIntentRouteDependencies } from './runPaymentIntentCommand.js';

/** `POST /v1/payment_intents/:id/cancel` with a reason; a late success after cancel is compensated, never reopened. */
export function registerCancelPaymentIntent(app: FastifyInstance, dependencies: PaymentIntentRouteDependencies): void {
  registerIntentCommandRoute(app, dependencies, {
    action: '/cancel',
    summary: 'Cancel a payment intent',
    auth: ['partner', 'terminal'],
    body: cancelPaymentIntentBodySchema,
    successStatus: 200,
    toCommand: ({ body, paymentIntentId, now }) => ({
      type: 'CancelPaymentIntent',
      data: { paymentIntentId, now, reason: body.cancellation_reason, providerCancelAccepted: body.provider_cancel_accepted },
    }),
  });
}
