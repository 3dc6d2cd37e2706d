/**
 * The QR provider side of the composition root: the adapter registry (fed by each store's provider
 * config, credentials opened only inside it), the provider reactor performing the provider_tasks,
 * the webhook route (a hint that nudges the reactor) and the reactor's ops route.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { CommandContext } from '../../command/commandContext.js';
import { performProviderTask, registerProviderWebhookRoute } from '../../command/providers/index.js';
import type { ReadModels } from '../../schemas/readModels/readModels.js';
import type { CredentialCipher } from '../adapters/auth/credentialCipher.js';
import type { SqlClient } from '../adapters/db/sqlClient.js';
import { createProviderRegistry, type ProviderTimeouts } from '../adapters/providers/registry.js';
import { recordWebhook } from '../runtime/reactors/reactorDb.js';
import { startProviderReactor, type ProviderReactor } from '../runtime/reactors/providerReactor.js';
import type { ProvidersConfig } from './config.js';
import { registerReactorRoutes } from './routes/reactorRoutes.js';
import { webhookSourceCheck } from './webhookSources.js';

export type ProviderWiringParts = Readonly<{
  app: FastifyInstance;
  client: SqlClient;
  context: CommandContext;
  readModels: ReadModels;
  cipher: CredentialCipher;
  config: ProvidersConfig;
  logger: FastifyBaseLogger;
  /** Client timeouts per operation (default: the provider's own, payments.md §4.1); tests shorten them. */
  timeoutsMs?: ProviderTimeouts;
  /** How often the reactor looks for due tasks (default 100 ms). */
  reactorTickMs?: number;
  /** `manual`: the reactor runs only when stepped (the deterministic simulation); `off`: not in this process. */
  reactorMode?: 'loop' | 'manual' | 'off';
  /** Registers the provider webhook route (the `api` role; default true). */
  webhooks?: boolean;
}>;

export function startProviderSide(parts: ProviderWiringParts): ProviderReactor {
  const { app, client, context, config } = parts;
  const providers = createProviderRegistry({
    store: context.store,
    cipher: parts.cipher,
    endpoints: config.endpoints,
    ...(parts.timeoutsMs === undefined ? {} : { timeoutsMs: parts.timeoutsMs }),
  });
  const dependencies = { context, providers, unresolvedCancelAfterMs: config.unresolvedCancelAfterMs, qrExpiryGraceMs: config.qrExpiryGraceMs };
  const reactorLogger = parts.logger.child({ component: 'provider-reactor' });
  const reactor = startProviderReactor({
    client,
    readModels: parts.readModels,
    perform: (task, run) => performProviderTask(dependencies, task, run),
    log: (level, message, details) => {
      reactorLogger[level](details, message);
    },
    now: context.now,
    ...(parts.reactorTickMs === undefined ? {} : { tickMs: parts.reactorTickMs }),
    ...(parts.reactorMode === undefined ? {} : { mode: parts.reactorMode }),
  });
  if (parts.webhooks !== false)
    registerProviderWebhookRoute(app, {
      isAllowedSource: webhookSourceCheck(config.webhookAllow),
      recordDelivery: (delivery) => recordWebhook(client, delivery),
      nudge: reactor.nudge,
    });
  registerReactorRoutes(app, reactor);
  return reactor;
}
