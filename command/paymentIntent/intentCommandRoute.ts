import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { PaymentIntent, PaymentIntentCommand } from '../../domain/paymentIntent/index.js';
import { problemSchema } from '../../schemas/problem.js';
import { paymentIntentParamsSchema, paymentIntentSchema } from '../../schemas/paymentIntent.js';
import { authConfig, type AuthMode } from '../../http/authConfig.js';
import { idempotencyHeaders } from './headers.js';
import { runPaymentIntentCommand, type PaymentIntentRouteDependencies } from './runPaymentIntentCommand.js';

export type IntentCommandRoute<Body extends z.ZodType> = Readonly<{
  /** Path below `/v1/payment_intents/:payment_intent_id`, e.g. `/confirm`. */
  action: string;
  summary: string;
  auth: readonly AuthMode[];
  body: Body;
  successStatus: 200 | 201;
  /** The command for this body, given the loaded state and the request's `now`. */
  toCommand: (input: Readonly<{ body: z.output<Body>; paymentIntentId: string; state: PaymentIntent; now: string }>) => PaymentIntentCommand;
}>;

/**
 * Registers `POST /v1/payment_intents/:payment_intent_id{action}`: validated body, required
 * Idempotency-Key, the caller's tenancy, load → decide → append, the intent as the response.
 */
export function registerIntentCommandRoute<Body extends z.ZodType>(app: FastifyInstance, dependencies: PaymentIntentRouteDependencies, route: IntentCommandRoute<Body>): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    `/v1/payment_intents/:payment_intent_id${route.action}`,
    {
      config: authConfig(...route.auth),
      schema: {
        summary: route.summary,
        tags: ['payment intents'],
        params: paymentIntentParamsSchema,
        headers: idempotencyHeaders,
        body: route.body,
        response: { [route.successStatus]: paymentIntentSchema, 400: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const paymentIntentId = request.params.payment_intent_id;
      // Already validated by the route schema; parsed again only to type it through the generic.
      const body = route.body.parse(request.body);
      return runPaymentIntentCommand(dependencies, request, reply, {
        paymentIntentId,
        successStatus: route.successStatus,
        allowPaymentToken: route.auth.includes('payment_token'),
        prepare: () => ({ command: (state, now) => route.toCommand({ body, paymentIntentId, state, now }) }),
      });
    },
  );
}
