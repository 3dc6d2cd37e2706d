import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Money } from '../../domain/shared/index.js';
import { problemSchema } from '../../schemas/problem.js';
import { createPaymentIntentBodySchema, paymentIntentSchema } from '../../schemas/paymentIntent.js';
import { authConfig } from '../../http/authConfig.js';
import { runPaymentIntentCommand, type PaymentIntentRouteDependencies } from './runPaymentIntentCommand.js';
import { resolvePlacement } from './resolvePlacement.js';
import { idempotencyHeaders } from './headers.js';
import { intentIdForReference, reserveClientReference } from './reserveClientReference.js';
import { createTenancyCache, type TenancyCache } from './tenancyCache.js';

/**
 * `POST /v1/payment_intents`: a terminal (at its store) or a partner server (naming store and
 * terminal). The placement is decided on the process's tenancy cache; the intent's append (and the
 * client reference's reservation) requires the tenancy streams still at the revisions read.
 */
export function registerCreatePaymentIntent(
  app: FastifyInstance,
  dependencies: PaymentIntentRouteDependencies,
  tenancy: TenancyCache = createTenancyCache(dependencies.context),
): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/payment_intents',
    {
      config: authConfig('partner', 'terminal'),
      schema: {
        summary: 'Create a payment intent',
        tags: ['payment intents'],
        headers: idempotencyHeaders,
        body: createPaymentIntentBodySchema,
        response: { 201: paymentIntentSchema, 400: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const newPaymentIntentId = dependencies.context.newId('pi');
      return runPaymentIntentCommand(dependencies, request, reply, {
        paymentIntentId: newPaymentIntentId,
        successStatus: 201,
        allowPaymentToken: false,
        prepare: async (principal, key, reads) => {
          const placementRequest = { storeId: body.store_id, terminalId: body.terminal_id, provider: body.provider };
          const placement = await resolvePlacement(tenancy, principal, placementRequest, reads.fresh);
          const consistentWith = placement.readAt;
          const reference = body.client_reference_id === null ? null : { storeId: placement.storeId, clientReferenceId: body.client_reference_id, key };
          const paymentIntentId = reference === null ? newPaymentIntentId : await intentIdForReference(dependencies.context, reference, newPaymentIntentId);
          const store = placement.facts.store;
          // A store that does not exist has no merchant to sign for; the create is refused anyway.
          const paymentToken =
            store.status === 'not_opened'
              ? undefined
              : await dependencies.issuePaymentToken({ paymentIntentId, clientPartnerId: placement.clientPartnerId, merchantId: store.merchantId });
          return {
            paymentIntentId,
            consistentWith,
            readFromCache: placement.cached,
            newStream: paymentIntentId === newPaymentIntentId,
            ...(paymentToken === undefined ? {} : { extra: { payment_token: paymentToken } }),
            // Only an accepted create reserves its reference, just before the intent's append, on the same tenancy.
            ...(reference === null
              ? {}
              : { beforeAppend: (metadata) => reserveClientReference(dependencies.context, { ...reference, paymentIntentId, metadata, consistentWith }) }),
            command: (_, now) => ({
              type: 'CreatePaymentIntent',
              data: {
                paymentIntentId,
                now,
                amount: Money.of(body.amount, body.currency),
                mode: body.mode,
                provider: body.provider,
                captureMethod: body.capture_method,
                clientPartnerId: placement.clientPartnerId,
                storeId: placement.storeId,
                terminalId: placement.terminalId,
                placement: placement.facts,
                clientReferenceId: body.client_reference_id,
                expiresAt: new Date(Date.parse(now) + body.expires_in_seconds * 1000).toISOString(),
              },
            }),
          };
        },
      });
    },
  );
}
