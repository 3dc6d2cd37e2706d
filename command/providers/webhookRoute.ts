/**
 * `POST /v1/providers/:provider/webhooks`: a provider's transaction notification. PayPay signs
 * nothing: its webhooks are authentic only by their source address (its published IP ranges, an
 * allow-list in configuration: LEDGER_PROVIDER_WEBHOOK_ALLOW, default loopback for the sandbox).
 * A webhook is only a hint (payments.md §4.5 step 8): it is deduplicated and makes the attempt's
 * open tasks due at once, and the reactor's query of the provider decides; no money moves on it.
 * Every well-formed delivery is answered 200 (also duplicates and unknown attempts), so the
 * provider stops retrying; a malformed one 400, a foreign source 403.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authConfig } from '../../http/authConfig.js';
import { sendProblem } from '../../http/sendProblem.js';
import { problem, problemSchema } from '../../schemas/problem.js';
import { paypayWebhookSchema } from '../../schemas/providers/paypay.js';

export type WebhookDependencies = Readonly<{
  /** Whether a webhook from this source address is accepted. */
  isAllowedSource: (address: string) => boolean;
  /** Stores the delivery; false when it was seen before. */
  recordDelivery: (delivery: Readonly<{ provider: string; dedupeKey: string; attemptId: string; state: string }>) => Promise<boolean>;
  /** Makes the attempt's open provider tasks due now. */
  nudge: (attemptId: string) => Promise<void>;
}>;

const WEBHOOK_PROVIDERS = ['paypay'] as const;

const receiptSchema = z.object({ received: z.literal(true), duplicate: z.boolean() }).describe('The delivery was received (a duplicate changes nothing)');

export function registerProviderWebhookRoute(app: FastifyInstance, dependencies: WebhookDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/providers/:provider/webhooks',
    {
      config: authConfig('public'),
      schema: {
        operationId: 'receiveProviderWebhook',
        summary: "Receive a QR provider's transaction webhook (a hint: the ledger queries the provider before any state change)",
        tags: ['providers'],
        // Authentic by source address only (PayPay has no signature scheme): see docs/providers.md.
        security: [],
        params: z.object({ provider: z.enum(WEBHOOK_PROVIDERS) }),
        body: paypayWebhookSchema,
        response: { 200: receiptSchema, 400: problemSchema, 403: problemSchema, 404: problemSchema },
      },
    },
    async (request, reply) => {
      if (!dependencies.isAllowedSource(request.ip)) {
        return sendProblem(reply, problem(403, 'webhook_source_not_allowed', 'Forbidden', `Webhooks from ${request.ip} are not accepted (LEDGER_PROVIDER_WEBHOOK_ALLOW).`));
      }
      const body = request.body;
      const attemptId = body.merchant_order_id;
      const dedupeKey = [attemptId, body.state, body.order_id ?? '', body.paid_at ?? '', body.authorized_at ?? ''].join('|');
      const fresh = await dependencies.recordDelivery({ provider: request.params.provider, dedupeKey, attemptId, state: body.state });
      if (fresh) await dependencies.nudge(attemptId);
      request.log.info({ provider: request.params.provider, attempt_id: attemptId, state: body.state, duplicate: !fresh }, 'provider webhook');
      return reply.code(200).send({ received: true as const, duplicate: !fresh });
    },
  );
}
