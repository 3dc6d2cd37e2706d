import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AuthMode } from './authConfig.js';
import type { StaffRole } from './principal.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route checks `X-Operator-Secret` itself (operator and ops routes): documented with the `operatorSecret` scheme. */
    operator?: true;
  }
}

/**
 * Stable operation ids, by `METHOD path` (fastify's route URL). A route missing here gets one
 * derived from its method and path, so every operation has one; name new routes here.
 */
const OPERATION_IDS: Readonly<Record<string, string>> = {
  'POST /v1/terminal_tokens': 'createTerminalToken',
  'GET /health': 'getHealth',
  'GET /ready': 'getReadiness',
  'GET /openapi.json': 'getOpenApiDocument',
  'POST /v1/merchants': 'onboardMerchant',
  'GET /v1/merchants/:merchant_id': 'getMerchant',
  'POST /v1/merchants/:merchant_id/stores': 'openStore',
  'GET /v1/stores/:store_id': 'getStore',
  'POST /v1/stores/:store_id/provider_configs': 'configureStoreProvider',
  'POST /v1/stores/:store_id/terminals': 'registerTerminal',
  'GET /v1/terminals/:terminal_id': 'getTerminal',
  'POST /v1/terminals/:terminal_id/deactivate': 'deactivateTerminal',
  'POST /v1/terminals/:terminal_id/reactivate': 'reactivateTerminal',
  'POST /v1/payment_intents': 'createPaymentIntent',
  'GET /v1/payment_intents/:payment_intent_id': 'getPaymentIntent',
  'POST /v1/payment_intents/:payment_intent_id/confirm': 'confirmPaymentIntent',
  'POST /v1/payment_intents/:payment_intent_id/card_result': 'reportCardResult',
  'POST /v1/payment_intents/:payment_intent_id/provider_result': 'reportProviderResult',
  'POST /v1/payment_intents/:payment_intent_id/capture': 'capturePaymentIntent',
  'POST /v1/payment_intents/:payment_intent_id/cancel': 'cancelPaymentIntent',
  'POST /v1/payment_intents/:payment_intent_id/refunds': 'createRefund',
  'POST /v1/payment_intents/:payment_intent_id/refunds/:refund_id/result': 'reportRefundResult',
  'POST /v1/settlement/batches': 'closeSettlementBatch',
  'GET /v1/settlement': 'listSettlement',
  'GET /v1/settlement/batches/:batch_id': 'getSettlementBatch',
  'GET /v1/reports/payment_intents': 'listPaymentIntentReports',
  'GET /v1/reports/payment_intents/:payment_intent_id': 'getPaymentIntentReport',
  'GET /v1/reports/sales': 'getSalesReport',
  'GET /v1/ledger/accounts': 'listLedgerAccounts',
  'GET /v1/ledger/entries': 'listLedgerEntries',
  'GET /v1/ledger/entries/:entry_id': 'getLedgerEntry',
  'POST /v1/operator/client_partners': 'registerClientPartner',
  'GET /v1/ops/projections': 'listProjections',
  'POST /v1/ops/projections/:name/rebuild': 'rebuildProjection',
  'POST /v1/ops/projections/:name/parked/retry': 'retryParkedEvent',
  'POST /v1/ops/projections/:name/parked/:event_id/skip': 'skipParkedEvent',
  'POST /v1/operator/credentials': 'createStaffCredential',
  'GET /v1/operator/credentials': 'listStaffCredentials',
  'POST /v1/operator/credentials/:id/revoke': 'revokeStaffCredential',
  'GET /v1/ops/overview': 'getOpsOverview',
  'GET /v1/ops/stuck_payments': 'listStuckPayments',
  'GET /metrics': 'getMetrics',
  'GET /v1/audit/streams/:stream': 'readAuditStream',
  'GET /v1/audit/log': 'readAuditLog',
  'GET /v1/audit/verify': 'verifyAuditLog',
  'GET /v1/audit/payment_intents/:payment_intent_id': 'getPaymentIntentAsOf',
  'GET /v1/audit/balances': 'getBalancesAsOf',
  'GET /v1/audit/read_models/digests': 'getReadModelDigests',
};

/** `GET /v1/ledger/entries/:entry_id` → `getV1LedgerEntriesEntryId` (fallback for routes not named above). */
export function derivedOperationId(method: string, url: string): string {
  const words = url.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  return [method.toLowerCase(), ...words.map((word) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`)].join('');
}

type SecurityRequirement = Readonly<Record<string, readonly string[]>>;

/** A route that spells out its `security` in its schema keeps it; the others get `securityOf(config)`. */
function isSecurityList(value: unknown): value is SecurityRequirement[] {
  return (
    Array.isArray(value) &&
    value.every((entry) => typeof entry === 'object' && entry !== null && Object.values(entry as Record<string, unknown>).every((scopes) => Array.isArray(scopes)))
  );
}

/**
 * What a route's `config` says about who may call it, as OpenAPI security: partner HMAC and/or a
 * bearer token; `public` alongside others makes credentials optional (`{}`); public-only routes
 * and routes without `/v1` auth (health, readiness, the document itself) need none (`[]`).
 */
export function securityOf(config: Readonly<{ auth?: readonly AuthMode[]; staff?: readonly StaffRole[]; operator?: true }> | undefined): SecurityRequirement[] {
  if (config?.operator === true) return [{ staffBearer: [] }, { operatorSecret: [] }];
  const modes = config?.auth ?? [];
  const requirements: SecurityRequirement[] = [];
  if (modes.includes('partner')) requirements.push({ partnerHmac: [] });
  if (modes.includes('terminal') || modes.includes('payment_token')) requirements.push({ bearer: [] });
  if ((config?.staff ?? []).length > 0) requirements.push({ staffBearer: [] });
  if (requirements.length > 0 && modes.includes('public')) requirements.push({});
  return requirements;
}

type RouteSchema = Record<string, unknown> & { headers?: unknown };

/**
 * Moves the `x-idempotency-key: required` marker of a headers schema (`.meta(...)`: the key is
 * optional in zod so a missing one answers `idempotency_key_required`) into its `required` list.
 */
function requireIdempotencyKey(schema: RouteSchema): RouteSchema {
  const headers = schema.headers;
  if (typeof headers !== 'object' || headers === null || !('x-idempotency-key' in headers)) return schema;
  const { 'x-idempotency-key': marker, ...rest } = headers as Record<string, unknown> & { required?: string[] };
  if (marker !== 'required') return { ...schema, headers: rest };
  return { ...schema, headers: { ...rest, required: [...new Set([...(rest.required ?? []), 'idempotency-key'])] } };
}

/** The security schemes routes name in their `security` (partners, terminals, staff, the bootstrap operator secret). */
export const SECURITY_SCHEMES = {
  partnerHmac: { type: 'apiKey', in: 'header', name: 'X-Signature', description: 'HMAC-SHA256 with X-Client-Id, X-Timestamp, X-Nonce (see docs/authentication.md)' },
  bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Terminal device JWT (120 s) or payment_token' },
  staffBearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'stf_<id>.<secret>',
    description: 'Staff credential with a role: operator, auditor, ops, merchant_reader (see docs/audit.md)',
  },
  operatorSecret: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Operator-Secret',
    description: 'The bootstrap operator secret (LEDGER_OPERATOR_SECRET, or data/operator.secret on the embedded store); acts as role operator',
  },
} as const;

/**
 * zod validation for every route, and the OpenAPI document generated from the same schemas:
 * `GET /openapi.json` and a docs page at `/docs` (swagger-ui, served from the package, offline).
 * Each operation's security, `operationId` and required `Idempotency-Key` come from the route
 * itself (its `config` and header schema), so the document says what the server does.
 * Call before registering routes.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'MPAC Ledger API',
        version: '1.0.0',
        description:
          'Payment intents for SmartPOS terminals (cash, card via the external card app, QR via providers). Amounts are integers in minor units (JPY has none). Errors are RFC 9457 problem details with a stable `code`. Money-moving POSTs require `Idempotency-Key`. Any route but /health, /ready, /metrics and /ops may answer `503 overloaded` (the instance is at its in-flight limit or under event-loop pressure) or `429 rate_limited` (a terminal or partner quota), both with `Retry-After`, before any work: retry with the same `Idempotency-Key` (docs/load-shedding.md).',
      },
      components: {
        securitySchemes: SECURITY_SCHEMES,
      },
    },
    transform: (input) => {
      const transformed = jsonSchemaTransform(input);
      const method = String(Array.isArray(input.route.method) ? input.route.method[0] : input.route.method);
      const schema = requireIdempotencyKey((transformed.schema as RouteSchema | undefined) ?? {});
      return {
        ...transformed,
        schema: {
          ...schema,
          operationId: OPERATION_IDS[`${method} ${input.route.url}`] ?? derivedOperationId(method, input.route.url),
          security: isSecurityList(schema['security']) ? schema['security'] : securityOf(input.route.config),
        },
      };
    },
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { summary: 'This OpenAPI document', tags: ['meta'] } }, () => app.swagger());
}
