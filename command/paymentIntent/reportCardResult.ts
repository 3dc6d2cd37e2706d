import type { FastifyInstance } from 'fastify';
import type { CardResult } from '../../domain/paymentIntent/index.js';
import { Money } from '../../domain/shared/index.js';
import { reportCardResultBodySchema } from '../../schemas/paymentIntent.js';
import type { z } from 'zod';
import { registerIntentCommandRoute } from './intentCommandRoute.js';
import type { PaymentIntentRouteDependencies } from './runPaymentIntentCommand.js';

/** `POST /v1/payment_intents/:id/card_result`: the terminal reports what the external card app answered. */
export function registerReportCardResult(app: FastifyInstance, dependencies: PaymentIntentRouteDependencies): void {
  registerIntentCommandRoute(app, dependencies, {
    action: '/card_result',
    summary: "Report the external card app's result for an attempt",
    auth: ['partner', 'terminal'],
    body: reportCardResultBodySchema,
    successStatus: 200,
    toCommand: ({ body, paymentIntentId, now }) => ({
      type: 'ReportCardResult',
      data: { paymentIntentId, now, attemptId: body.attempt_id, result: toCardResult(body) },
    }),
  });
}

function toCardResult(body: z.output<typeof reportCardResultBodySchema>): CardResult {
  switch (body.outcome) {
    case 'approved':
      return {
        outcome: 'approved',
        amount: Money.of(body.amount, 'JPY'),
        approvalNumber: body.approval_number,
        slipNumber: body.slip_number,
        maskedPan: body.masked_pan,
        brand: body.brand,
        captureBefore: body.capture_before === null ? null : new Date(body.capture_before).toISOString(),
      };
    case 'declined':
      return { outcome: 'declined', declineCode: body.decline_code, message: body.message };
    case 'unknown':
      return { outcome: 'unknown' };
  }
}
