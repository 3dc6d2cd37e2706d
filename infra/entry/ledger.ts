import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { LedgerConfig } from './config.js';
import { ConfigError } from './config.js';
import { migrate } from '../adapters/db/migrate.js';
import { createPgClient } from '../adapters/db/pgClient.js';
import { createPgliteClient } from '../adapters/db/pgliteClient.js';
import type { SqlClient } from '../adapters/db/sqlClient.js';
import { POSTGRES_EVENT_STORE_DEFAULTS, PostgresEventStore } from '../adapters/eventStore/postgres/postgresEventStore.js';
import { registerPaymentIntentRoutes } from '../../command/paymentIntent/index.js';
import { registerSettlementCommandRoutes } from '../../command/settlement/index.js';
import { registerTenancyRoutes } from '../../command/tenancy/index.js';
import { allProjectors, type Projector } from '../../projections/index.js';
import { registerQueryRoutes } from '../../query/index.js';
import { registerProjectionRoutes } from './routes/projectionRoutes.js';
import { startProjections, type ProjectionRuntime } from '../runtime/projections/projectionRuntime.js';
import { createAuthentication, registerAuthentication, startNoncePruning } from '../adapters/auth/index.js';
import { startRelay, type RelayHandle } from '../runtime/relay/relay.js';
import type { CommandContext } from '../../command/commandContext.js';
import { registerHealthRoutes } from './routes/healthRoutes.js';
import { registerOpenApi } from '../../http/openApi.js';
import { operatorSecret, registerOperatorRoutes } from './routes/operatorRoutes.js';
import { registerStaffCredentialRoutes } from './routes/staffCredentialRoutes.js';
import { registerAuditRoutes } from './routes/auditRoutes.js';
import { registerProblemHandlers } from '../../http/problemDetails.js';
import { registerTracing } from '../adapters/observability/tracingPlugin.js';
import { IDEMPOTENCY_DEFAULTS, PostgresIdempotencyStore } from '../adapters/idempotency/postgresIdempotencyStore.js';
import { newPrefixedId, newUuid } from '../adapters/ids.js';

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
  const client = await openDatabase(config);
  try {
    const applied = await migrate(client);
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
    return503OnClosing: true,
  });
  const authentication = createAuthentication({ client, store, now: context.now, newUuid, masterKeyHex: config.masterKeyHex, operatorSecret: bootstrapOperatorSecret(config, logger) });
  registerTracing(app);
  registerProblemHandlers(app);
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
  registerOperatorRoutes(app, context);
  registerStaffCredentialRoutes(app, { staff: authentication.staff, directory: authentication.directory });
  registerProjectionRoutes(app, projections);
  registerAuditRoutes(app, { store, client });
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

/** The bootstrap operator secret (`X-Operator-Secret`): LEDGER_OPERATOR_SECRET, or data/operator.secret on the embedded store. */
function bootstrapOperatorSecret(config: LedgerConfig, logger: FastifyBaseLogger): string | undefined {
  const dataDir = config.database.kind === 'pglite' ? config.database.dataDir : undefined;
  const secret = operatorSecret({ dataDir, fromEnvironment: config.operatorSecret });
  if (secret === undefined) logger.info('no bootstrap operator secret: set LEDGER_OPERATOR_SECRET (32-200 characters) to enable X-Operator-Secret, or use an operator staff credential');
  return secret;
}

function openDatabase(config: LedgerConfig): Promise<SqlClient> {
  const database = config.database;
  if (database.kind === 'pglite') return createPgliteClient(database.dataDir);
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
