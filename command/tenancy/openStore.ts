import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { parseStoreId, storeDecider, toStoreStreamName, type OpenStore } from '../../domain/tenancy/index.js';
import { problemSchema } from '../../schemas/problem.js';
import { merchantParamsSchema, openStoreBodySchema, storeSchema, tenancyCommandHeadersSchema } from '../../schemas/tenancy.js';
import { executeCommand } from '../handleCommand.js';
import { authConfig } from '../../http/authConfig.js';
import { serialize } from '../idempotentCommand.js';
import { findOwnedMerchant } from './ownership.js';
import { existingStore, renderStore } from './render.js';
import { PARTNER_SECURITY, partnerOf, runTenancyCommand, sendNotFound, type TenancyRouteDependencies } from './tenancyRoute.js';

/**
 * `POST /v1/merchants/:merchant_id/stores`: opens a store of one of the partner's merchants, with
 * its business day (IANA time zone and cut-off). The merchant must be active.
 *
 * @example registerOpenStore(app, { context, credentials });
 */
export function registerOpenStore(app: FastifyInstance, { context }: TenancyRouteDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/merchants/:merchant_id/stores',
    {
      config: authConfig('partner'),
      schema: {
        summary: 'Open a store',
        tags: ['tenancy'],
        security: PARTNER_SECURITY,
        headers: tenancyCommandHeadersSchema,
        params: merchantParamsSchema,
        body: openStoreBodySchema,
        response: { 201: storeSchema, 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const principal = partnerOf(request);
      const owned = await findOwnedMerchant(context, principal, request.params.merchant_id);
      if (owned === undefined) return sendNotFound(reply, 'merchant');
      const storeId = parseStoreId(context.newId('str'));
      const { name, time_zone: timeZone, cutoff_minutes: cutoffMinutes } = request.body;
      return runTenancyCommand(context, request, reply, principal, ({ metadata, idempotency }) => {
        const now = context.now().toISOString();
        return executeCommand(context, {
          aggregate: storeDecider,
          stream: toStoreStreamName(storeId),
          command: (): OpenStore => ({
            type: 'OpenStore',
            data: { storeId, merchantId: owned.merchantId, name, timeZone, cutoffMinutes, merchantStatus: owned.status, now },
          }),
          respond: (state) => serialize(201, renderStore(existingStore(state), [], now)),
          metadata,
          ...(idempotency === undefined ? {} : { idempotency }),
        });
      });
    },
  );
}
