import type { FastifyInstance } from 'fastify';
import { Money } from '../../domain/shared/index.js';
import { capturePaymentIntentBodySchema } from '../../schemas/paymentIntent.js';
import { registerIntentCommandRoute } from './intentCommandRoute.js';
import type { PaymentIntentRouteDependencies } from './runPaymentIntentCommand.js';

/** `POST /v1/payment_intents/:id/capture`: full (no amount) or partial, once; the rest of the hold is released. */
export function registerCapturePaymentIntent(app: FastifyInstance, dependencies: PaymentIntentRouteDependencies): void {
  registerIntentCommandRoute(app, dependencies, {
    action: '/capture',
    summary: 'Capture an authorized payment intent (full or partial, once)',
    auth: ['partner', 'terminal'],
    body: capturePaymentIntentBodySchema,
    successStatus: 200,
    toCommand: ({ body, paymentIntentId, now }) => ({
      type: 'CapturePaymentIntent',
      data: { paymentIntentId, now, amountToCapture: body.amount_to_capture === null ? null : Money.of(body.amount_to_capture, 'JPY') },
    }),
  });
}
