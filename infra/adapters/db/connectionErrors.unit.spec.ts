import { describe, expect, it } from 'vitest';
import { isStoreUnavailable, StoreUnavailableError } from '../../../domain/eventStore/index.js';
import { asStoreUnavailable, isConnectionLoss } from './connectionErrors.js';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('connection losses', () => {
  it.each([
    ['terminated by an administrator', withCode('terminating connection due to administrator command', '57P01')],
    ['server starting up', withCode('the database system is starting up', '57P03')],
    ['connection exception class 08', withCode('connection failure', '08006')],
    ['refused socket', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['dropped socket', new Error('Connection terminated unexpectedly')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['all addresses refused', new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], '')],
  ])('%s is unavailable, wrapped with its cause', (_name, error) => {
    expect(isConnectionLoss(error)).toBe(true);
    const wrapped = asStoreUnavailable(error);
    expect(wrapped).toBeInstanceOf(StoreUnavailableError);
    expect((wrapped as Error).cause).toBe(error);
    expect(isStoreUnavailable(new Error('while appending', { cause: wrapped }))).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['a syntax error', withCode('syntax error at or near "SELEC"', '42601')],
    ['a statement timeout', withCode('canceling statement due to statement timeout', '57014')],
    ['not an error', 'boom'],
  ])('%s is not: it passes through unchanged', (_name, error) => {
    expect(isConnectionLoss(error)).toBe(false);
    expect(asStoreUnavailable(error)).toBe(error);
  });
});
