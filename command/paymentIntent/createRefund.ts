import type { FastifyInstance } from 'fastify';
import { Money } from '../../domain/shared/index.js';
import { createRefundBodySchema } from '../../schemas/paymentIntent.js';
import { registerIntentCommandRoute } from './intentCommandRoute.js';
import type { PaymentIntentRouteDependencies } from './runPaymentIntentCommand.js';

/**
 * `POST /v1/payment_intents/:id/refunds`: partial and multiple, Σ ≤ received, to the original
 * method. Cash and card refunds succeed at once; a QR refund stays pending until its result.
 */
export function registerCreateRefund(app: FastifyInstance, dependencies: PaymentIntentRouteDependencies): void {
  registerIntentCommandRoute(app, dependencies, {
    action: '/refunds',
    summary: 'Refund a completed payment intent (partial or full)',
    auth: ['partner', 'terminal'],
    body: createRefundBodySchema,
    successStatus: 201,
    toCommand: ({ body, paymentIntentId, now }) => ({
      type: 'CreateRefund',
      data: { paymentIntentId, now, refundId: dependencies.context.newId('re'), amount: Money.of(body.amount, 'JPY'), reason: body.reason },
    }),
  });
}
