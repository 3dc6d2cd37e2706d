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
