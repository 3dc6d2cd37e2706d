import type { FastifyInstance } from 'fastify';
import { registerCancelPaymentIntent } from './cancelPaymentIntent.js';
import { registerCapturePaymentIntent } from './capturePaymentIntent.js';
import { registerConfirmPaymentIntent } from './confirmPaymentIntent.js';
import { registerCreatePaymentIntent } from './createPaymentIntent.js';
import { registerCreateRefund } from './createRefund.js';
import { registerGetPaymentIntent } from './getPaymentIntent.js';
import { registerReportCardResult } from './reportCardResult.js';
import { registerReportProviderResult } from './reportProviderResult.js';
import { registerReportRefundResult } from './reportRefundResult.js';
import type { PaymentIntentRouteDependencies } from './runPaymentIntentCommand.js';

export type { PaymentIntentRouteDependencies, PaymentTokenIssuer } from './runPaymentIntentCommand.js';

/** Every PaymentIntent command route and the read of one intent, under `/v1/payment_intents`. */
export function registerPaymentIntentRoutes(app: FastifyInstance, dependencies: PaymentIntentRouteDependencies): void {
  registerCreatePaymentIntent(app, dependencies);
  registerGetPaymentIntent(app, dependencies);
  registerConfirmPaymentIntent(app, dependencies);
  registerReportCardResult(app, dependencies);
  registerReportProviderResult(app, dependencies);
  registerCapturePaymentIntent(app, dependencies);
  registerCancelPaymentIntent(app, dependencies);
  registerCreateRefund(app, dependencies);
  registerReportRefundResult(app, dependencies);
}
