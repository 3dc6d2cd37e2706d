import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const SERVER = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/ledger' };

describe('LEDGER_ROLES', () => {
  it('defaults to every role', () => {
    expect([...loadConfig(SERVER).roles]).toEqual(['api', 'projector', 'relay', 'reactor']);
    expect([...loadConfig({}).roles]).toEqual(['api', 'projector', 'relay', 'reactor']);
  });

  it('takes a comma-separated subset, spaces allowed', () => {
    expect([...loadConfig({ ...SERVER, LEDGER_ROLES: 'api' }).roles]).toEqual(['api']);
    expect([...loadConfig({ ...SERVER, LEDGER_ROLES: 'projector, relay,reactor' }).roles]).toEqual(['projector', 'relay', 'reactor']);
  });

  it('names an unknown role and the ones there are', () => {
    expect(() => loadConfig({ ...SERVER, LEDGER_ROLES: 'api,projectors' })).toThrow(/LEDGER_ROLES.*one of api, projector, relay, reactor/);
    expect(() => loadConfig({ ...SERVER, LEDGER_ROLES: ',' })).toThrow(/LEDGER_ROLES/);
  });

  it('refuses a subset on the embedded database, which serves one process', () => {
    expect(() => loadConfig({ LEDGER_ROLES: 'api' })).toThrow(/LEDGER_ROLES=api needs DATABASE_URL/);
    expect([...loadConfig({ LEDGER_ROLES: 'reactor,relay,projector,api' }).roles]).toHaveLength(4);
  });
});

describe('DATABASE_POOL_SIZE', () => {
  it('is refused when the roles would hold every connection, naming the least that works', () => {
    expect(() => loadConfig({ ...SERVER, DATABASE_POOL_SIZE: '2' })).toThrow(/DATABASE_POOL_SIZE=2 is too small .* 3 connections stay checked out .* at least 5/);
    expect(() => loadConfig({ ...SERVER, DATABASE_POOL_SIZE: '5', KAFKA_BROKERS: '127.0.0.1:9092' })).toThrow(/at least 6/);
    expect(loadConfig({ ...SERVER, DATABASE_POOL_SIZE: '5' }).database).toMatchObject({ poolSizeMax: 5 });
    expect(loadConfig({ ...SERVER, DATABASE_POOL_SIZE: '3', LEDGER_ROLES: 'api' }).database).toMatchObject({ poolSizeMax: 3 });
  });
});
