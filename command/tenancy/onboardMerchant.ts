import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  clientPartnerDecider,
  merchantDecider,
  parseClientPartnerId,
  parseMerchantId,
  toClientPartnerStreamName,
  toMerchantStreamName,
  type OnboardMerchant,
} from '../../domain/tenancy/index.js';
import { problemSchema } from '../../schemas/problem.js';
import { merchantSchema, onboardMerchantBodySchema, tenancyCommandHeadersSchema } from '../../schemas/tenancy.js';
import { executeCommand, loadAggregate } from '../handleCommand.js';
import { authConfig } from '../../http/authConfig.js';
import { serialize } from '../idempotentCommand.js';
import { existingMerchant, renderMerchant } from './render.js';
import { PARTNER_SECURITY, partnerOf, runTenancyCommand, type TenancyRouteDependencies } from './tenancyRoute.js';

/**
 * `POST /v1/merchants`: onboards a merchant under the calling partner, which must be active (the
 * decider reads the partner's status, loaded here from its stream). The id is the server's.
 *
 * @example registerOnboardMerchant(app, { context, credentials });
 */
export function registerOnboardMerchant(app: FastifyInstance, { context }: TenancyRouteDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/merchants',
    {
      config: authConfig('partner'),
      schema: {
        summary: 'Onboard a merchant',
        tags: ['tenancy'],
        security: PARTNER_SECURITY,
        headers: tenancyCommandHeadersSchema,
        body: onboardMerchantBodySchema,
        response: { 201: merchantSchema, 400: problemSchema, 401: problemSchema, 403: problemSchema, 409: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const principal = partnerOf(request);
      const clientPartnerId = parseClientPartnerId(principal.clientPartnerId);
      const merchantId = parseMerchantId(context.newId('mer'));
      const { legal_name: legalName, display_name: displayName } = request.body;
      return runTenancyCommand(context, request, reply, principal, async ({ metadata, idempotency }) => {
        const partner = await loadAggregate(context, clientPartnerDecider, toClientPartnerStreamName(clientPartnerId));
        const now = context.now().toISOString();
        return executeCommand(context, {
          aggregate: merchantDecider,
          stream: toMerchantStreamName(merchantId),
          command: (): OnboardMerchant => ({
            type: 'OnboardMerchant',
            data: { merchantId, clientPartnerId, legalName, displayName, clientPartnerStatus: partner.state.status, now },
          }),
          respond: (state) => serialize(201, renderMerchant(existingMerchant(state))),
          metadata,
          ...(idempotency === undefined ? {} : { idempotency }),
        });
      });
    },
  );
}
