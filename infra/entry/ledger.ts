import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { LedgerConfig } from './config.js';
import { migrate } from '../adapters/db/migrate.js';
import { ensureDatabaseExists } from '../adapters/db/ensureDatabase.js';
import { createPgClient } from '../adapters/db/pgClient.js';
import { createPgliteClient } from '../adapters/db/pgliteClient.js';
import type { SqlClient } from '../adapters/db/sqlClient.js';
import type { EventStore } from '../../domain/eventStore/index.js';
import { checkEventStoreConfig, selectEventStore, type SelectedEventStore } from './eventStoreSelection.js';
import { registerPaymentIntentRoutes } from '../../command/paymentIntent/index.js';
import { registerSettlementCommandRoutes } from '../../command/settlement/index.js';
import { registerTenancyRoutes } from '../../command/tenancy/index.js';
import { allProjectors, providerTasksProjector, type Projector } from '../../projections/index.js';
import { registerQueryRoutes } from '../../query/index.js';
import { registerProjectionRoutes } from './routes/projectionRoutes.js';
import { startProjections, type ProjectionRuntime } from '../runtime/projections/projectionRuntime.js';
import { createAuthentication, registerAuthentication, startNoncePruning, type Authentication } from '../adapters/auth/index.js';
import { startRelay, type RelayHandle } from '../runtime/relay/relay.js';
import type { CommandContext } from '../../command/commandContext.js';
import { registerHealthRoutes } from './routes/healthRoutes.js';
import { registerOpenApi } from '../../http/openApi.js';
import { operatorSecret, registerOperatorRoutes } from './routes/operatorRoutes.js';
import { registerStaffCredentialRoutes } from './routes/staffCredentialRoutes.js';
import { registerAuditRoutes } from './routes/auditRoutes.js';
import { registerProblemHandlers } from '../../http/problemDetails.js';
import { registerLoadShedding } from '../../http/loadShedding.js';
import { registerTracing } from '../adapters/observability/tracingPlugin.js';
import { newPrefixedId, newUuid } from '../adapters/ids.js';
import { LedgerMetrics } from '../adapters/observability/metrics.js';
import { registerHttpMetrics } from '../adapters/observability/metricsPlugin.js';
import { RequestWindow } from '../adapters/observability/requestWindow.js';
import { registerOpsRoutes } from './routes/opsRoutes.js';
import { opsOverview, runtimeSample, stuckPaymentsReader } from './ops/overview.js';
import type { ProviderReactor } from '../runtime/reactors/providerReactor.js';
import { startIdempotencyPruning, type IdempotencyPruning } from '../adapters/idempotency/idempotencyPruning.js';
import { startProviderSide, type ProviderWiringParts } from './providerWiring.js';

export type Ledger = Readonly<{
  app: FastifyInstance;
  client: SqlClient;
  /** PostgreSQL's (default) or EventStoreDB's (EVENTSTORE_CONNECTION_STRING), see eventStoreSelection.ts. */
  store: EventStore;
  context: CommandContext;
  /** The integration-event relay to Kafka (disabled, reporting its backlog, without KAFKA_BROKERS). */
  relay: RelayHandle;
  /** The projectors maintaining the read models, their status and operator actions. */
  projections: ProjectionRuntime;
  /** The provider reactor: QR creation, status queries, cancels, compensations and refunds at the providers. */
  reactor: ProviderReactor;
  /** This instance's Prometheus registry and counters (GET /metrics). */
  metrics: LedgerMetrics;
  /** Stops accepting, finishes in-flight requests and appends, closes the store and the database. */
  close: () => Promise<void>;
}>;

/** The composition root: database, migrations, event store, HTTP server. */
export type LedgerParts = Readonly<{
  /** The read models to maintain (default: all of them). */
  projectors?: readonly Projector[];
  /** Provider client timeouts and the reactor's tick (tests shorten them). */
  providers?: Pick<ProviderWiringParts, 'timeoutsMs' | 'reactorTickMs' | 'reactorMode'>;
  /** The clock of commands, authentication and the reactor (default the system's; the simulation controls it). */
  clock?: () => Date;
}>;

/** The read models maintained by default: the four of the query API and the provider reactor's to-do list. */
const defaultProjectors: readonly Projector[] = [...allProjectors, providerTasksProjector];

export async function createLedger(config: LedgerConfig, logger: FastifyBaseLogger, parts: LedgerParts = {}): Promise<Ledger> {
  checkEventStoreConfig(config);
  const metrics = new LedgerMetrics();
  const requests = new RequestWindow();
  const { client, selected } = await openStores(config, logger, metrics);
  metrics.observeDatabase(client);
  const store = selected.store;
  const context: CommandContext = { store, idempotency: selected.idempotency, now: parts.clock ?? (() => new Date()), newUuid, newId: newPrefixedId, conflictRetriesMax: 3 };
  let accepting = true;
  const app = createHttpServer(logger);
  const authentication = createAuthentication({
    client,
    store,
    now: context.now,
    newUuid,
    masterKeyHex: config.masterKeyHex,
    operatorSecret: bootstrapOperatorSecret(config, logger),
  });
  registerTracing(app);
  registerHttpMetrics(app, metrics, requests);
  registerProblemHandlers(app, { accepting: () => accepting });
  await registerLoadShedding(app, config.shedding);
  await registerOpenApi(app);
  registerAuthentication(app, authentication);
  registerHealthRoutes(app, { client, store, accepting: () => accepting });
  const { roles } = config;
  const projections = startProjectionRuntime({ client, store, projectors: roles.has('projector') ? (parts.projectors ?? defaultProjectors) : [], selected, logger });
  const reactor = startProviderSide({
    app,
    client,
    context,
    readModels: projections.readModels,
    cipher: authentication.credentials,
    config: config.providers,
    logger,
    webhooks: roles.has('api'),
    ...(roles.has('reactor') ? {} : { reactorMode: 'off' as const }),
    ...parts.providers,
  });
  if (roles.has('api')) registerApiRoutes(app, { context, authentication, projections, store, client });
  registerProjectionRoutes(app, projections);
  const stopPruning = startNoncePruning({ client, now: context.now, intervalMs: 60_000, onError: warnWith(logger, 'nonce pruning failed') });
  const idempotencyPruning = roles.has('api') ? startKeyPruning(client, config.idempotencyPruneIntervalMs, logger) : undefined;
  const relay = startRelay({
    client,
    store,
    brokers: roles.has('relay') ? config.kafkaBrokers : [],
    logger: logger.child({ component: 'relay' }),
    ...(selected.countRelayBacklog === undefined ? {} : { countBacklog: selected.countRelayBacklog }),
  });
  logger.info({ roles: [...roles] }, `roles: ${[...roles].join(', ')}`);
  const opsSources = { client, projections, relay, requests, stuckThresholdSeconds: config.ops.stuckPaymentSeconds };
  metrics.observeRuntime(runtimeSample(opsSources));
  registerOpsRoutes(app, { metrics, metricsAccess: config.ops.metricsAccess, overview: opsOverview(opsSources), stuckPayments: stuckPaymentsReader(opsSources) });
  const close = async (): Promise<void> => {
    accepting = false;
    stopPruning();
    idempotencyPruning?.stop();
    await app.close();
    await relay.stop();
    await reactor.stop();
    await projections.stop();
    await selected.close();
    await client.close();
  };
  return { app, client, store, context, relay, projections, reactor, metrics, close };
}

type ApiParts = Readonly<{ context: CommandContext; authentication: Authentication; projections: ProjectionRuntime; store: EventStore; client: SqlClient }>;

/** The `api` role: commands, queries, the operator's and staff routes, the auditor's. */
function registerApiRoutes(app: FastifyInstance, { context, authentication, projections, store, client }: ApiParts): void {
  registerTenancyRoutes(app, { context, credentials: authentication.credentials });
  registerPaymentIntentRoutes(app, { context, issuePaymentToken: authentication.issuePaymentToken });
  registerSettlementCommandRoutes(app, { context });
  registerQueryRoutes(app, { readModels: projections.readModels });
  registerOperatorRoutes(app, context);
  registerStaffCredentialRoutes(app, { staff: authentication.staff, directory: authentication.directory });
  registerAuditRoutes(app, { store, client });
}

function startKeyPruning(client: SqlClient, intervalMs: number, logger: FastifyBaseLogger): IdempotencyPruning {
  return startIdempotencyPruning({
    client,
    intervalMs,
    onPruned: (records, elapsedMs) => {
      logger.info({ records, elapsedMs }, `pruned ${records} expired idempotency records`);
    },
    onError: warnWith(logger, 'idempotency pruning failed'),
  });
}

const warnWith =
  (logger: FastifyBaseLogger, message: string) =>
  (error: unknown): void => {
    logger.warn({ err: error }, message);
  };

/** The database (created when missing, migrated) and the event store the configuration selects. */
async function openStores(config: LedgerConfig, logger: FastifyBaseLogger, metrics: LedgerMetrics): Promise<Readonly<{ client: SqlClient; selected: SelectedEventStore }>> {
  const client = await openDatabase(config, logger);
  try {
    const applied = await migrate(client, undefined, (name) => {
      logger.info({ migration: name }, `applying migration ${name} …`);
    });
    logger.info({ applied, database: client.kind }, 'database ready');
    const selected = await selectEventStore(config, client, {
      onCompletionError: (error) => {
        logger.warn({ err: error }, 'events stored but their idempotency key not completed; the next begin of the key completes it');
      },
      onBatch: (batch) => {
        metrics.observeAppendBatch(batch);
      },
    });
    logger.info({ eventStore: selected.kind }, 'event store ready');
    return { client, selected };
  } catch (error) {
    await client.close();
    throw error;
  }
}

function createHttpServer(logger: FastifyBaseLogger): FastifyInstance {
  return Fastify({
    loggerInstance: logger,
    bodyLimit: 256 * 1024,
    connectionTimeout: 30_000,
    keepAliveTimeout: 10_000,
    requestTimeout: 30_000,
    // Requests arriving during shutdown get our 503 problem document with Retry-After instead.
    return503OnClosing: false,
  });
}

type ProjectionParts = Readonly<{ client: SqlClient; store: EventStore; projectors: readonly Projector[]; selected: SelectedEventStore; logger: FastifyBaseLogger }>;

function startProjectionRuntime({ client, store, projectors, selected, logger }: ProjectionParts): ProjectionRuntime {
  const projectionLogger = logger.child({ component: 'projections' });
  return startProjections({
    client,
    store,
    projectors,
    ...(selected.logQueries === undefined ? {} : { logQueries: selected.logQueries }),
    log: (level, message, details) => {
      projectionLogger[level](details, message);
    },
  });
}

/** The bootstrap operator secret (`X-Operator-Secret`): LEDGER_OPERATOR_SECRET, or data/operator.secret on the embedded store. */
function bootstrapOperatorSecret(config: LedgerConfig, logger: FastifyBaseLogger): string | undefined {
  const dataDir = config.database.kind === 'pglite' ? config.database.dataDir : undefined;
  const secret = operatorSecret({ dataDir, fromEnvironment: config.operatorSecret });
  if (secret === undefined)
    logger.info('no bootstrap operator secret: set LEDGER_OPERATOR_SECRET (32-200 characters) to enable X-Operator-Secret, or use an operator staff credential');
  return secret;
}

async function openDatabase(config: LedgerConfig, logger: FastifyBaseLogger): Promise<SqlClient> {
  const database = config.database;
  if (database.kind === 'pglite') {
    // The first start creates the cluster (tens of seconds on a slow disk): say so, not silence.
    const first = !existsSync(join(database.dataDir, 'PG_VERSION'));
    logger.info(
      { dataDir: database.dataDir },
      `${first ? 'initialising' : 'opening'} the embedded database in ${database.dataDir}${first ? ' (first start: this takes a while)' : ''} …`,
    );
    return createPgliteClient(database.dataDir, {
      onPermissionsFixed: (fixedPaths) => {
        logger.warn(
          { dataDir: database.dataDir, fixed: fixedPaths.length, examples: fixedPaths.slice(0, 5) },
          `data folder permissions fixed: ${fixedPaths.length} entries were open to group or others; now folders 0700, files 0600`,
        );
      },
    });
  }
  await ensureDatabaseExists(database.url, (message) => {
    logger.info({ database: 'postgres' }, message);
  });
  return createPgClient({
    connectionString: database.url,
    poolSizeMax: database.poolSizeMax,
    statementTimeoutMs: 30_000,
    idleInTransactionTimeoutMs: 10_000,
    applicationName: 'mpac-ledger',
  });
}
