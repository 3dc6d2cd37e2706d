/**
 * The OpenAPI document tells the truth (issue 9 item 7): loaded from a real server, every
 * operation's declared security and required `Idempotency-Key` are checked against what the server
 * does — a request without credentials is refused 401 iff security is declared; a signed POST
 * without the key gets 400 `idempotency_key_required` iff the key is declared required — and every
 * operation has a unique camelCase `operationId`.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, sendAsPartner, type LedgerResponse } from '../cli/ledgerClient.js';
import { startTestLedger, type TestLedger } from '../../../test/support/testLedger.js';
import type { TenantFixture } from '../../../test/support/tenancyFixtures.js';

const OPERATOR_SECRET = 'operator-secret-for-the-openapi-spec-0123456789';

type Parameter = Readonly<{ name: string; in: string; required?: boolean }>;
type Operation = Readonly<{ operationId?: string; security?: readonly Readonly<Record<string, readonly string[]>>[]; parameters?: readonly Parameter[] }>;
type Document = Readonly<{ paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>; components: Readonly<{ securitySchemes: Readonly<Record<string, unknown>> }> }>;
type Probe = Readonly<{ method: string; path: string; operation: Operation }>;

let harness: TestLedger;
let baseUrl: string;
let tenant: TenantFixture;
let document: Document;

beforeAll(async () => {
  harness = await startTestLedger({ LEDGER_OPERATOR_SECRET: OPERATOR_SECRET });
  baseUrl = await harness.ledger.app.listen({ host: '127.0.0.1', port: 0 });
  tenant = await harness.tenant(['paypay']);
  const response = await fetch(`${baseUrl}/openapi.json`);
  expect(response.status).toBe(200);
  document = (await response.json()) as Document;
});
afterAll(async () => {
  await harness.close();
});

function probes(): Probe[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

/** A concrete path for a templated one: the tenant's own ids, well-formed ids elsewhere. */
function concretePath(template: string): string {
  const values: Readonly<Record<string, string>> = {
    merchant_id: tenant.merchantId,
    store_id: tenant.storeId,
    terminal_id: tenant.terminalId,
    payment_intent_id: 'pi_01J00000000000000000000000',
    refund_id: 're_01J00000000000000000000000',
    batch_id: 'stb_01J00000000000000000000000',
    entry_id: 'je_01J00000000000000000000000',
    name: 'no_such_projection',
    event_id: randomUUID(),
  };
  return template.replace(/\{([a-z_]+)\}/g, (_, name: string) => values[name] ?? `unknown_${name}`);
}

/** A body each POST's schema accepts, so only the Idempotency-Key decides the answer. */
function exampleBody(operationId: string): unknown {
  const publicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const examples: Readonly<Record<string, unknown>> = {
    createTerminalToken: { terminal_id: tenant.terminalId, assertion: 'x' },
    onboardMerchant: { legal_name: 'Probe KK', display_name: 'Probe' },
    openStore: { name: 'Probe', time_zone: 'Asia/Tokyo', cutoff_minutes: 240 },
    configureStoreProvider: { provider_code: 'rakuten_pay', fee_rate_ppm: 19_800, fixed_fee_minor: 0, currency: 'JPY', credentials: { api_key: 'k' } },
    registerTerminal: { device_uuid: randomUUID(), public_key: publicKey, model: 'S-Pitt Air' },
    deactivateTerminal: { reason: 'openapi probe' },
    reactivateTerminal: {},
    createPaymentIntent: { amount: 1000, mode: 'manual', store_id: tenant.storeId, terminal_id: tenant.terminalId },
    confirmPaymentIntent: { payment_method: { type: 'cash', tendered: 1000 } },
    reportCardResult: { attempt_id: 'pa_probe', outcome: 'unknown' },
    reportProviderResult: { attempt_id: 'pa_probe', outcome: 'unknown' },
    capturePaymentIntent: {},
    cancelPaymentIntent: {},
    createRefund: { amount: 100 },
    reportRefundResult: { outcome: 'failed', failure_reason: 'probe' },
    closeSettlementBatch: { merchant_id: tenant.merchantId, provider: 'paypay', business_date: '2026-01-05' },
    registerClientPartner: { name: 'Probe Partner' },
    rebuildProjection: {},
    retryParkedEvent: {},
    skipParkedEvent: {},
    createStaffCredential: { name: 'openapi probe', role: 'ops' },
    revokeStaffCredential: {},
  };
  if (!(operationId in examples)) throw new Error(`no example body for POST ${operationId}: add one to this spec`);
  return examples[operationId];
}

const declaresSecurity = (operation: Operation): boolean =>
  (operation.security ?? []).length > 0 && (operation.security ?? []).every((requirement) => Object.keys(requirement).length > 0);

const requiresIdempotencyKey = (operation: Operation): boolean =>
  (operation.parameters ?? []).some((parameter) => parameter.in === 'header' && parameter.name.toLowerCase() === 'idempotency-key' && parameter.required === true);

const codeOf = (response: LedgerResponse): unknown => (typeof response.json === 'object' && response.json !== null && 'code' in response.json ? response.json.code : undefined);

describe('the OpenAPI document against the server', () => {
  it('names every operation with a unique, camelCase operationId', () => {
    const ids = probes().map((probe) => probe.operation.operationId);
    expect(ids.length).toBeGreaterThan(30);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares the operator secret scheme and uses only declared schemes', () => {
    expect(document.components.securitySchemes.operatorSecret).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Operator-Secret' });
    const used = probes().flatMap((probe) => (probe.operation.security ?? []).flatMap((requirement) => Object.keys(requirement)));
    for (const scheme of used) expect(Object.keys(document.components.securitySchemes)).toContain(scheme);
    for (const path of ['/health', '/ready', '/openapi.json', '/v1/terminal_tokens']) {
      const operations = Object.values(document.paths[path] ?? {});
      expect(operations.length, path).toBeGreaterThan(0);
      for (const operation of operations) expect(operation.security, path).toEqual([]);
    }
  });

  it('declares security exactly where a request without credentials is refused 401', async () => {
    const mismatches: string[] = [];
    for (const probe of probes()) {
      const response = await send(baseUrl, { method: probe.method, path: concretePath(probe.path) }, {});
      if ((response.status === 401) !== declaresSecurity(probe.operation)) {
        mismatches.push(`${probe.method} ${probe.path}: declared ${JSON.stringify(probe.operation.security)}, answered ${response.status}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('declares Idempotency-Key required exactly where a signed POST without it is refused idempotency_key_required', async () => {
    const mismatches: string[] = [];
    const partner = { clientPartnerId: tenant.clientPartnerId, secret: tenant.secret };
    for (const probe of probes().filter((candidate) => candidate.method === 'POST' && declaresSecurity(candidate.operation))) {
      const request = { method: 'POST', path: concretePath(probe.path), body: JSON.stringify(exampleBody(probe.operation.operationId ?? '')) };
      const operator = (probe.operation.security ?? []).some((requirement) => 'operatorSecret' in requirement);
      const response = operator ? await send(baseUrl, request, { 'x-operator-secret': OPERATOR_SECRET }) : await sendAsPartner(baseUrl, partner, request);
      expect(response.status, `${probe.method} ${probe.path}: ${response.text}`).toBeLessThan(500);
      expect([401, 403], `${probe.method} ${probe.path} refused the credentials: ${response.text}`).not.toContain(response.status);
      const refused = response.status === 400 && codeOf(response) === 'idempotency_key_required';
      if (refused !== requiresIdempotencyKey(probe.operation)) {
        mismatches.push(
          `${probe.method} ${probe.path}: declared required=${String(requiresIdempotencyKey(probe.operation))}, answered ${response.status} ${String(codeOf(response))}`,
        );
      }
    }
    expect(mismatches).toEqual([]);
  });
});
