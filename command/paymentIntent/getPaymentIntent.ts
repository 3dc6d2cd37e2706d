import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { paymentIntentDecider, toPaymentIntentStreamName } from '../../domain/paymentIntent/index.js';
import { problem, problemSchema } from '../../schemas/problem.js';
import { paymentIntentParamsSchema, paymentIntentSchema, waitForChangeQuerySchema } from '../../schemas/paymentIntent.js';
import { loadAggregate } from '../handleCommand.js';
import { authConfig } from '../../http/authConfig.js';
import { renderPaymentIntent } from '../../schemas/paymentIntentRepresentation.js';
import { isVisible, principalOf, type PaymentIntentRouteDependencies } from './runPaymentIntentCommand.js';
import { waitForStreamChange } from './waitForChange.js';

/**
 * `GET /v1/payment_intents/:id`: the intent folded from its own stream (the system of record), so
 * a polling terminal sees its own writes at once. Another tenant's intent answers 404. The answer
 * carries `X-Stream-Revision`; `?wait_for_change=<that revision>&timeout_ms=` long-polls until the
 * intent changes (waitForChange.ts), so a terminal showing a QR learns the outcome at once.
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
        querystring: waitForChangeQuerySchema,
        response: { 200: paymentIntentSchema, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const paymentIntentId = request.params.payment_intent_id;
      const stream = toPaymentIntentStreamName(paymentIntentId);
      let { state, revision } = await loadAggregate(dependencies.context, paymentIntentDecider, stream);
      const visible = state.status !== 'absent' && isVisible(principalOf(request), state, paymentIntentId, true);
      const seen = request.query.wait_for_change;
      if (visible && seen !== undefined && seen === revision) {
        const gone = new AbortController();
        reply.raw.once('close', () => {
          gone.abort();
        });
        await waitForStreamChange(dependencies.context.store, stream, seen, request.query.timeout_ms, gone.signal);
        ({ state, revision } = await loadAggregate(dependencies.context, paymentIntentDecider, stream));
      }
      if (state.status === 'absent' || !visible) {
        return reply
          .code(404)
          .type('application/problem+json')
          .send(problem(404, 'payment_intent.not_found', 'Not Found', `no payment intent ${paymentIntentId}`));
      }
      void reply.header('x-stream-revision', String(revision));
      return renderPaymentIntent(state);
    },
  );
}
