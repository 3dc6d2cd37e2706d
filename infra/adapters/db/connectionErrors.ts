/**
 * Which node-postgres failures mean "the database is not reachable right now" (the request may be
 * retried) rather than "this statement was refused": lost connections, a server shutting down,
 * starting up or refusing connections, a pool that could not connect in time. These become the
 * port's `StoreUnavailableError` (503 + Retry-After at the HTTP edge, docs/faults.md).
 */
import { StoreUnavailableError } from '../../../domain/eventStore/index.js';

/** SQLSTATEs of a connection that ended or could not be made (class 08, operator intervention, too many connections). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '25P03']);
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
];

export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  if (code !== undefined && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code))) return true;
  if (error instanceof AggregateError) return error.errors.some(isConnectionLoss);
  return UNAVAILABLE_MESSAGES.some((message) => error.message.startsWith(message));
}

/** `error` itself, or a `StoreUnavailableError` caused by it when it is a connection loss. */
export function asStoreUnavailable(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isConnectionLoss(error)) return error;
  return new StoreUnavailableError(`the database is not reachable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
