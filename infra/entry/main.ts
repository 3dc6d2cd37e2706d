import { ConfigError, loadConfig } from './config.js';
import { createLedger } from './ledger.js';
import { startSandboxIfWanted, type SandboxChild } from './sandboxChild.js';
import { createLogger } from '../adapters/observability/logger.js';
import { installTracing, shutdownTracing } from '../adapters/observability/tracing.js';

/**
 * `npm start`: every role in one process: the HTTP API, the event store, the projections, the Kafka
 * relay and the provider reactor. With no configuration it runs on the embedded PostgreSQL in ./data
 * and starts the provider sandbox (QR payments work out of the box); DATABASE_URL selects a server.
 */
async function main(): Promise<void> {
  const exportingSpans = installTracing();
  const bootLogger = createLogger('info');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    bootLogger.fatal({ err: error }, error instanceof ConfigError ? error.message : 'could not read configuration');
    process.exitCode = 1;
    return;
  }
  const logger = createLogger(config.logLevel);
  let ledger;
  let sandbox: SandboxChild | undefined;
  try {
    sandbox = await startSandboxIfWanted(config, logger);
    ledger = await createLedger(sandbox.config, logger);
  } catch (error) {
    await sandbox?.stop();
    if (!(error instanceof ConfigError)) throw error;
    // The operator's to fix (e.g. a database to create): one line that says how, no stack trace.
    logger.fatal({ error: error.name }, error.message);
    process.exitCode = 1;
    return;
  }
  const address = await ledger.app.listen({ host: config.http.host, port: config.http.port });
  logger.info({ address, database: config.database.kind, otlp: exportingSpans }, `MPAC Ledger listening on ${address}`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown grace period over; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    timer.unref();
    ledger
      .close()
      .then(() => sandbox?.stop())
      .then(shutdownTracing)
      .then(
        () => {
          logger.info('stopped');
        },
        (error: unknown) => {
          logger.error({ err: error }, 'error during shutdown');
          process.exitCode = 1;
        },
      );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  createLogger('info').fatal({ err: error }, error instanceof Error ? error.message : 'startup failed');
  process.exitCode = 1;
});
