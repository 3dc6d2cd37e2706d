import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { ProviderResult } from '../../domain/paymentIntent/index.js';
import { Money } from '../../domain/shared/index.js';
import { reportProviderResultBodySchema } from '../../schemas/paymentIntent.js';
import { registerIntentCommandRoute } from './intentCommandRoute.js';
import type { PaymentIntentRouteDependencies } from './runPaymentIntentCommand.js';

/**
 * `POST /v1/payment_intents/:id/provider_result`: the QR provider's answer for an attempt, as the
 * partner server (or, later, the provider reactor) confirmed it with the provider's query API.
 */
export function registerReportProviderResult(app: FastifyInstance, dependencies: PaymentIntentRouteDependencies): void {
  registerIntentCommandRoute(app, dependencies, {
    action: '/provider_result',
    summary: "Report the QR provider's result for an attempt",
    auth: ['partner'],
    body: reportProviderResultBodySchema,
    successStatus: 200,
    toCommand: ({ body, paymentIntentId, now }) => ({
      type: 'ReportProviderResult',
      data: { paymentIntentId, now, attemptId: body.attempt_id, result: toProviderResult(body) },
    }),
  });
}

function toProviderResult(body: z.output<typeof reportProviderResultBodySchema>): ProviderResult {
  switch (body.outcome) {
    case 'succeeded':
      return { outcome: 'succeeded', amount: Money.of(body.amount, 'JPY'), providerPaymentId: body.provider_payment_id };
    case 'authorized':
      return {
        outcome: 'authorized',
        amount: Money.of(body.amount, 'JPY'),
        providerPaymentId: body.provider_payment_id,
        captureBefore: new Date(body.capture_before).toISOString(),
      };
    case 'failed':
      return { outcome: 'failed', code: body.code, message: body.message };
    case 'unknown':
      return { outcome: 'unknown' };
  }
}
