import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemSchema } from '../../schemas/problem.js';
import { paymentIntentSchema, refundParamsSchema, reportRefundResultBodySchema } from '../../schemas/paymentIntent.js';
import { authConfig } from '../../http/authConfig.js';
import { idempotencyHeaders } from './headers.js';
import { runPaymentIntentCommand, type PaymentIntentRouteDependencies } from './runPaymentIntentCommand.js';

/** `POST /v1/payment_intents/:id/refunds/:refund_id/result`: the provider's answer for a pending (QR) refund. */
export function registerReportRefundResult(app: FastifyInstance, dependencies: PaymentIntentRouteDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/payment_intents/:payment_intent_id/refunds/:refund_id/result',
    {
      config: authConfig('partner'),
      schema: {
        summary: "Report the provider's result for a pending refund",
        tags: ['payment intents'],
        params: refundParamsSchema,
        headers: idempotencyHeaders,
        body: reportRefundResultBodySchema,
        response: { 200: paymentIntentSchema, 400: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const { payment_intent_id: paymentIntentId, refund_id: refundId } = request.params;
      const body = request.body;
      return runPaymentIntentCommand(dependencies, request, reply, {
        paymentIntentId,
        successStatus: 200,
        allowPaymentToken: false,
        prepare: () => ({
          command: (_, now) => ({
            type: 'ReportRefundResult',
            data: {
              paymentIntentId,
              now,
              refundId,
              result:
                body.outcome === 'succeeded' ? { outcome: 'succeeded', providerRefundId: body.provider_refund_id } : { outcome: 'failed', failureReason: body.failure_reason },
            },
          }),
        }),
      });
    },
  );
}
