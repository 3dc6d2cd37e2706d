import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { paymentIntentDecider, toPaymentIntentStreamName } from '../../domain/paymentIntent/index.js';
import { problem, problemSchema } from '../../schemas/problem.js';
import { paymentIntentParamsSchema, paymentIntentSchema } from '../../schemas/paymentIntent.js';
import { loadAggregate } from '../handleCommand.js';
import { authConfig } from '../../http/authConfig.js';
import { renderPaymentIntent } from '../../schemas/paymentIntentRepresentation.js';
import { isVisible, principalOf, type PaymentIntentRouteDependencies } from './runPaymentIntentCommand.js';

/**
 * `GET /v1/payment_intents/:id`: the intent folded from its own stream (the system of record), so
 * a polling terminal sees its own writes at once. Another tenant's intent answers 404.
 */
export function registerGetPaymentIntent(app: FastifyInstance, dependencies: PaymentIntentRouteDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/payment_intents/:payment_intent_id',
    {
      config: authConfig('partner', 'terminal', 'payment_token'),
      schema: {
        summary: 'Retrieve a payment intent',
        tags: ['payment intents'],
        params: paymentIntentParamsSchema,
        response: { 200: paymentIntentSchema, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const paymentIntentId = request.params.payment_intent_id;
      const { state } = await loadAggregate(dependencies.context, paymentIntentDecider, toPaymentIntentStreamName(paymentIntentId));
      if (state.status === 'absent' || !isVisible(principalOf(request), state, paymentIntentId, true)) {
        return reply
          .code(404)
          .type('application/problem+json')
          .send(problem(404, 'payment_intent.not_found', 'Not Found', `no payment intent ${paymentIntentId}`));
      }
      return renderPaymentIntent(state);
    },
  );
}
