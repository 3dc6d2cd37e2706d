import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CommandContext } from '../../../command/commandContext.js';
import { registerClientPartner } from '../../../command/tenancy/index.js';
import { problemSchema } from '../../../schemas/problem.js';
import { storableText } from '../../../schemas/text.js';
import { actorOf } from '../../../http/principal.js';
import { authConfig, OPERATOR_SECURITY } from '../../../http/authConfig.js';

export const OPERATOR_SECRET_FILE = 'operator.secret';

/**
 * The bootstrap operator credential (the root of trust, which no partner can create; sent as
 * `X-Operator-Secret`, it acts as role operator, and creates the per-person staff credentials):
 * `LEDGER_OPERATOR_SECRET`, or on the embedded store a random secret kept in
 * `<data folder>/operator.secret` (0600), created on first start. Whoever can read the data
 * folder owns the data anyway, so the file grants nothing new. On PostgreSQL (`DATABASE_URL`) there
 * is no file: set `LEDGER_OPERATOR_SECRET` (32–200 characters, e.g. `openssl rand -base64 32`) to
 * enable it. Undefined: only staff credentials with role operator.
 * Example: `operatorSecret({ dataDir: '/srv/ledger/data', fromEnvironment: undefined })`.
 */
export function operatorSecret(source: Readonly<{ dataDir: string | undefined; fromEnvironment: string | undefined }>): string | undefined {
  if (source.fromEnvironment !== undefined) return source.fromEnvironment;
  if (source.dataDir === undefined) return undefined;
  const file = join(source.dataDir, OPERATOR_SECRET_FILE);
  if (!existsSync(file)) {
    mkdirSync(source.dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

const bodySchema = z.object({ name: storableText(200, { controlCharacters: 'refused' }) }).strict();
const createdSchema = z.object({ client_partner_id: z.string(), secret: z.string().describe('Shown once; the ledger keeps only its SHA-256') });

/**
 * `POST /v1/operator/client_partners` (role operator: a staff credential or `X-Operator-Secret`):
 * registers a client partner and returns its secret once.
 */
export function registerOperatorRoutes(app: FastifyInstance, context: CommandContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/operator/client_partners',
    {
      config: authConfig({ staff: ['operator'] }),
      schema: {
        summary: 'Register a client partner (operator only)',
        tags: ['operator'],
        security: OPERATOR_SECURITY,
        body: bodySchema,
        response: { 201: createdSchema, 401: problemSchema, 403: problemSchema },
      },
    },
    async (request, reply) => {
      const actor = request.principal === undefined ? 'operator' : actorOf(request.principal);
      const partnerSecret = randomBytes(32).toString('base64url');
      const { clientPartnerId } = await registerClientPartner(context, { name: request.body.name, secret: partnerSecret, actor });
      return reply.code(201).send({ client_partner_id: clientPartnerId, secret: partnerSecret });
    },
  );
}
