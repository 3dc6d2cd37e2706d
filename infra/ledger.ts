import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { LedgerConfig } from './config.js';
import { ConfigError } from './config.js';
import { migrate } from './db/migrate.js';
import { createPgClient } from './db/pgClient.js';
import { createPgliteClient } from './db/pgliteClient.js';
import type { SqlClient } from './db/sqlClient.js';
import { POSTGRES_EVENT_STORE_DEFAULTS, PostgresEventStore } from './eventStore/postgres/postgresEventStore.js';
import { registerPaymentIntentRoutes } from '../command/paymentIntent/index.js';
import { registerSettlementCommandRoutes } from '../command/settlement/index.js';
import { registerTenancyRoutes } from '../command/tenancy/index.js';
import { allProjectors, type Projector } from '../projections/index.js';
import { registerQueryRoutes } from '../query/index.js';
import { registerProjectionRoutes } from './http/projectionRoutes.js';
import { startProjections, type ProjectionRuntime } from './projections/projectionRuntime.js';
import { createAuthentication, registerAuthentication, startNoncePruning } from './auth/index.js';
import { startRelay, type RelayHandle } from './kafka/relay.js';
import type { CommandContext } from '../command/commandContext.js';
import { registerHealthRoutes } from './http/healthRoutes.js';
import { registerOpenApi } from './http/openApi.js';
import { operatorSecret, registerOperatorRoutes } from './http/operatorRoutes.js';
import { registerProblemHandlers } from './http/problemDetails.js';
import { registerTracing } from './http/tracingPlugin.js';
import { IDEMPOTENCY_DEFAULTS, PostgresIdempotencyStore } from './idempotency/postgresIdempotencyStore.js';
import { newPrefixedId, newUuid } from './ids.js';

export type Ledger = Readonly<{
  app: FastifyInstance;
  client: SqlClient;
  store: PostgresEventStore;
  context: CommandContext;
  /** The integration-event relay to Kafka (disabled, reporting its backlog, without KAFKA_BROKERS). */
  relay: RelayHandle;
  /** The projectors maintaining the read models, their status and operator actions. */
  projections: ProjectionRuntime;
  /** Stops accepting, finishes in-flight requests and appends, closes the store and the database. */
  close: () => Promise<void>;
}>;

/** The composition root: database, migrations, event store, HTTP server. */
export type LedgerParts = Readonly<{
  /** The read models to maintain (default: all of them). */
  projectors?: readonly Projector[];
}>;

export async function createLedger(config: LedgerConfig, logger: FastifyBaseLogger, parts: LedgerParts = {}): Promise<Ledger> {
  if (config.eventStoreDbConnectionString !== undefined) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING is set, but the EventStoreDB adapter is not part of this version yet; unset it to use PostgreSQL');
  }
  const client = await openDatabase(config, logger);
  try {
    const applied = await migrate(client, undefined, (name) => {
      logger.info({ migration: name }, `applying migration ${name} …`);
    });
    logger.info({ applied, database: client.kind }, 'database ready');
  } catch (error) {
    await client.close();
    throw error;
  }
  const store = new PostgresEventStore({ ...POSTGRES_EVENT_STORE_DEFAULTS, client });
  const context: CommandContext = {
    store,
    idempotency: new PostgresIdempotencyStore({ client, ...IDEMPOTENCY_DEFAULTS }),
    now: () => new Date(),
    newUuid,
    newId: newPrefixedId,
    conflictRetriesMax: 3,
  };
  let accepting = true;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: 256 * 1024,
    connectionTimeout: 30_000,
    keepAliveTimeout: 10_000,
    requestTimeout: 30_000,
    // Requests arriving during shutdown get our 503 problem document with Retry-After instead.
    return503OnClosing: false,
  });
  const authentication = createAuthentication({ client, store, now: context.now, newUuid, masterKeyHex: config.masterKeyHex });
  registerTracing(app);
  registerProblemHandlers(app, { accepting: () => accepting });
  await registerOpenApi(app);
  registerAuthentication(app, authentication);
  registerHealthRoutes(app, { client, store, accepting: () => accepting });
  registerTenancyRoutes(app, { context, credentials: authentication.credentials });
  registerPaymentIntentRoutes(app, { context, issuePaymentToken: authentication.issuePaymentToken });
  registerSettlementCommandRoutes(app, { context });
  const projectionLogger = logger.child({ component: 'projections' });
  const projections = startProjections({
    client,
    store,
    projectors: parts.projectors ?? allProjectors,
    log: (level, message, details) => {
      projectionLogger[level](details, message);
    },
  });
  registerQueryRoutes(app, { readModels: projections.readModels });
  const dataDir = config.database.kind === 'pglite' ? config.database.dataDir : undefined;
  const secret = operatorSecret({ dataDir, fromEnvironment: config.operatorSecret });
  registerOperatorRoutes(app, context, secret);
  registerProjectionRoutes(app, projections, secret);
  const stopPruning = startNoncePruning({
    client,
    now: context.now,
    intervalMs: 60_000,
    onError: (error) => {
      logger.warn({ err: error }, 'nonce pruning failed');
    },
  });
  const relay = startRelay({ client, store, brokers: config.kafkaBrokers, logger: logger.child({ component: 'relay' }) });
  return {
    app,
    client,
    store,
    context,
    relay,
    projections,
    close: async () => {
      accepting = false;
      stopPruning();
      await app.close();
      await relay.stop();
      await projections.stop();
      await store.close();
      await client.close();
    },
  };
}

function openDatabase(config: LedgerConfig, logger: FastifyBaseLogger): Promise<SqlClient> {
  const database = config.database;
  if (database.kind === 'pglite') {
    // The first start creates the cluster (tens of seconds on a slow disk): say so, not silence.
    const first = !existsSync(join(database.dataDir, 'PG_VERSION'));
    logger.info({ dataDir: database.dataDir }, `${first ? 'initialising' : 'opening'} the embedded database in ${database.dataDir}${first ? ' (first start: this takes a while)' : ''} …`);
    return createPgliteClient(database.dataDir);
  }
  return Promise.resolve(
    createPgClient({
      connectionString: database.url,
      poolSizeMax: database.poolSizeMax,
      statementTimeoutMs: 30_000,
      idleInTransactionTimeoutMs: 10_000,
      applicationName: 'mpac-ledger',
    }),
  );
}
