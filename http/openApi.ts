import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';

/** The security schemes routes name in their `security` (partners, terminals, staff, the bootstrap operator secret). */
export const SECURITY_SCHEMES = {
  partnerHmac: { type: 'apiKey', in: 'header', name: 'X-Signature', description: 'HMAC-SHA256 with X-Client-Id, X-Timestamp, X-Nonce (see docs/authentication.md)' },
  bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Terminal device JWT (120 s) or payment_token' },
  staffBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'stf_<id>.<secret>', description: 'Staff credential with a role: operator, auditor, ops, merchant_reader (see docs/audit.md)' },
  operatorSecret: { type: 'apiKey', in: 'header', name: 'X-Operator-Secret', description: 'The bootstrap operator secret (LEDGER_OPERATOR_SECRET, or data/operator.secret on the embedded store); acts as role operator' },
} as const;

/**
 * zod validation for every route, and the OpenAPI document generated from the same schemas:
 * `GET /openapi.json` and a docs page at `/docs` (swagger-ui, served from the package, offline).
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
          'Payment intents for SmartPOS terminals (cash, card via the external card app, QR via providers). Amounts are integers in minor units (JPY has none). Errors are RFC 9457 problem details with a stable `code`. Money-moving POSTs require `Idempotency-Key`.',
      },
      components: {
        securitySchemes: SECURITY_SCHEMES,
      },
      security: [{ partnerHmac: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { config: { auth: ['public'] }, schema: { hide: true } }, () => app.swagger());
}
