import pg from 'pg';
import { ConfigError } from '../configError.js';

/** `DATABASE_URL` names a database that does not exist and its role may not create it. */
export class DatabaseMissingError extends ConfigError {}

const INVALID_CATALOG_NAME = '3D000';
const DUPLICATE_DATABASE = '42P04';
/** The database every PostgreSQL server has, to create others from. */
const MAINTENANCE_DATABASE = 'postgres';

/**
 * Makes sure the database of `url` exists before the pool and migrations use it: if the server
 * says it does not (3D000), creates it through the maintenance database `postgres` with the same
 * role. When the role may not, throws DatabaseMissingError whose one-line message names the
 * command that creates it; any other failure to connect is a one-line ConfigError (no password).
 *
 * @example await ensureDatabaseExists('postgresql://ledger@db:5432/ledger', (message) => logger.info(message));
 */
export async function ensureDatabaseExists(url: string, onCreated: (message: string) => void): Promise<void> {
  const probe = new pg.Client({ connectionString: url, application_name: 'mpac-ledger-start' });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return;
  } catch (error) {
    if (codeOf(error) !== INVALID_CATALOG_NAME) throw new ConfigError(`cannot connect to DATABASE_URL (${describeTarget(new URL(url))}): ${messageOf(error)}`);
  } finally {
    await probe.end().catch(() => undefined);
  }
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.slice(1));
  if (database === '') throw new ConfigError(`DATABASE_URL names no database and the default one does not exist (${describeTarget(target)}): add /<database> to it`);
  const maintenance = new URL(url);
  maintenance.pathname = `/${MAINTENANCE_DATABASE}`;
  const admin = new pg.Client({ connectionString: maintenance.toString(), application_name: 'mpac-ledger-start' });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
    onCreated(`database "${database}" did not exist: created it`);
  } catch (error) {
    if (codeOf(error) === DUPLICATE_DATABASE) return; // another starter created it first
    throw new DatabaseMissingError(missingMessage(target, database, error));
  } finally {
    await admin.end().catch(() => undefined);
  }
}

function missingMessage(target: URL, database: string, error: unknown): string {
  const role = decodeURIComponent(target.username) || 'the connecting role';
  const host = target.hostname || 'localhost';
  const port = target.port || '5432';
  const reason = messageOf(error);
  return (
    `database "${database}" (DATABASE_URL) does not exist and ${role} could not create it (${reason}); ` +
    `create it with: createdb -h ${host} -p ${port} -U postgres -O ${role === 'the connecting role' ? 'postgres' : role} ${database}`
  );
}

function describeTarget(target: URL): string {
  return `host ${target.hostname || 'localhost'}, port ${target.port || '5432'}, role ${decodeURIComponent(target.username) || '(default)'}`;
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  return error instanceof Error && error.message !== '' ? error.message : String(error);
}

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
