import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { parseStoreProviderConfigId, storeProviderConfigDecider, toStoreProviderConfigStreamName, type ConfigureStoreProvider } from '../../domain/tenancy/index.js';
import { problemSchema } from '../../schemas/problem.js';
import { configureStoreProviderBodySchema, storeParamsSchema, storeProviderConfigSchema, tenancyCommandHeadersSchema } from '../../schemas/tenancy.js';
import { executeCommand } from '../handleCommand.js';
import { authConfig } from '../../http/authConfig.js';
import { serialize } from '../idempotentCommand.js';
import { findOwnedStore } from './ownership.js';
import { existingStoreProviderConfig, renderStoreProviderConfig } from './render.js';
import { PARTNER_SECURITY, partnerOf, runTenancyCommand, sendNotFound, type TenancyRouteDependencies } from './tenancyRoute.js';

/**
 * `POST /v1/stores/:store_id/provider_configs`: configures a provider for a store (one per
 * provider). The plaintext credentials are sealed (AES-256-GCM, bound to the new `spc_` id) before
 * the command is built: the domain, the event and every response see only the envelope's key id.
 *
 * @example registerConfigureStoreProvider(app, { context, credentials: authentication.credentials });
 */
export function registerConfigureStoreProvider(app: FastifyInstance, { context, credentials }: TenancyRouteDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/stores/:store_id/provider_configs',
    {
      config: authConfig('partner'),
      schema: {
        summary: 'Configure a payment provider for a store',
        tags: ['tenancy'],
        security: PARTNER_SECURITY,
        headers: tenancyCommandHeadersSchema,
        params: storeParamsSchema,
        body: configureStoreProviderBodySchema,
        response: {
          201: storeProviderConfigSchema,
          400: problemSchema,
          401: problemSchema,
          403: problemSchema,
          404: problemSchema,
          409: problemSchema,
          422: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const principal = partnerOf(request);
      const owned = await findOwnedStore(context, principal, request.params.store_id);
      if (owned === undefined) return sendNotFound(reply, 'store');
      const { storeId } = owned.store;
      const storeProviderConfigId = parseStoreProviderConfigId(context.newId('spc'));
      const body = request.body;
      const fees = { feeRatePpm: body.fee_rate_ppm, fixedFeeMinor: body.fixed_fee_minor, currency: body.currency };
      return runTenancyCommand(context, request, reply, principal, async ({ metadata, idempotency }) => {
        const sealed = await credentials.seal(body.credentials, storeProviderConfigId);
        const now = context.now().toISOString();
        return executeCommand(context, {
          aggregate: storeProviderConfigDecider,
          stream: toStoreProviderConfigStreamName(storeId, body.provider_code),
          command: (): ConfigureStoreProvider => ({
            type: 'ConfigureStoreProvider',
            data: { storeProviderConfigId, storeId, providerCode: body.provider_code, fees, credentials: sealed, storeStatus: owned.store.status, now },
          }),
          respond: (state) => serialize(201, renderStoreProviderConfig(existingStoreProviderConfig(state))),
          metadata,
          ...(idempotency === undefined ? {} : { idempotency }),
        });
      });
    },
  );
}
