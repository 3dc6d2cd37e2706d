/**
 * Reads of tenancy administration, for partner servers: a merchant, a store with its provider
 * configurations (never their credentials), a terminal. They fold the streams through the event
 * store (there is no tenancy read model yet); another partner's resource answers 404 like a
 * missing one.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { providerCodes, storeProviderConfigDecider, toStoreProviderConfigStreamName, type ConfiguredStoreProviderConfig, type StoreId } from '../../domain/tenancy/index.js';
import { problemSchema } from '../../schemas/problem.js';
import { merchantParamsSchema, merchantSchema, storeParamsSchema, storeSchema, terminalParamsSchema, terminalSchema } from '../../schemas/tenancy.js';
import type { CommandContext } from '../commandContext.js';
import { loadAggregate } from '../handleCommand.js';
import { authConfig } from '../../http/authConfig.js';
import { findOwnedMerchant, findOwnedStore, findOwnedTerminal } from './ownership.js';
import { renderMerchant, renderStore, renderTerminal } from './render.js';
import { PARTNER_SECURITY, partnerOf, sendNotFound } from './tenancyRoute.js';

const refusals = { 401: problemSchema, 403: problemSchema, 404: problemSchema };
const readSchema = <Params, Resource>(summary: string, params: Params, resource: Resource) => ({
  summary,
  tags: ['tenancy'],
  security: PARTNER_SECURITY,
  params,
  response: { 200: resource, ...refusals },
});

/** A store has at most one configuration per provider, each in its own stream: one read per provider. */
async function providerConfigsOf(context: CommandContext, storeId: StoreId): Promise<ConfiguredStoreProviderConfig[]> {
  const states = await Promise.all(
    providerCodes.map(async (providerCode) => {
      const loaded = await loadAggregate(context, storeProviderConfigDecider, toStoreProviderConfigStreamName(storeId, providerCode));
      return loaded.state;
    }),
  );
  return states.filter((state): state is ConfiguredStoreProviderConfig => state.status !== 'not_configured');
}

/** `GET /v1/merchants/:merchant_id`, `GET /v1/stores/:store_id`, `GET /v1/terminals/:terminal_id`. *
 * @example registerTenancyReads(app, { context });
 */
export function registerTenancyReads(app: FastifyInstance, { context }: Readonly<{ context: CommandContext }>): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/v1/merchants/:merchant_id',
    { config: authConfig('partner'), schema: readSchema('Get a merchant', merchantParamsSchema, merchantSchema) },
    async (request, reply) => {
      const merchant = await findOwnedMerchant(context, partnerOf(request), request.params.merchant_id);
      if (merchant === undefined) return sendNotFound(reply, 'merchant');
      return reply.code(200).send(renderMerchant(merchant));
    },
  );
  routes.get('/v1/stores/:store_id', { config: authConfig('partner'), schema: readSchema('Get a store', storeParamsSchema, storeSchema) }, async (request, reply) => {
    const owned = await findOwnedStore(context, partnerOf(request), request.params.store_id);
    if (owned === undefined) return sendNotFound(reply, 'store');
    const configs = await providerConfigsOf(context, owned.store.storeId);
    return reply.code(200).send(renderStore(owned.store, configs, context.now().toISOString()));
  });
  routes.get(
    '/v1/terminals/:terminal_id',
    { config: authConfig('partner'), schema: readSchema('Get a terminal', terminalParamsSchema, terminalSchema) },
    async (request, reply) => {
      const owned = await findOwnedTerminal(context, partnerOf(request), request.params.terminal_id);
      if (owned === undefined) return sendNotFound(reply, 'terminal');
      return reply.code(200).send(renderTerminal(owned.terminal));
    },
  );
}
