import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CommandContext } from '../../../command/commandContext.js';
import { registerClientPartner } from '../../../command/tenancy/index.js';
import { problem, problemSchema, type Problem } from '../../../schemas/problem.js';
import { sendProblem } from '../../../http/problemDetails.js';

export const OPERATOR_SECRET_FILE = 'operator.secret';
const OPERATOR_HEADER = 'x-operator-secret';

/**
 * The operator's credential for bootstrapping client partners (the root of trust, which no partner
 * can create): `LEDGER_OPERATOR_SECRET`, or on the embedded store a random secret kept in
 * `<data folder>/operator.secret` (0600), created on first start. Whoever can read the data
 * folder owns the data anyway, so the file grants nothing new. Undefined: the route is off.
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

const bodySchema = z.object({ name: z.string().min(1).max(200) }).strict();
const createdSchema = z.object({ client_partner_id: z.string(), secret: z.string().describe('Shown once; the ledger keeps only its SHA-256') });

/**
 * `POST /v1/operator/client_partners` with `X-Operator-Secret`: registers a client partner and
 * returns its secret once. Public to the partner/terminal authentication (the operator secret is
 * checked here, in constant time); 401 `operator_required` otherwise.
 */
/** Compares a presented secret with the operator secret in constant time; false when none is configured. */
export function operatorSecretMatcher(secret: string | undefined): (presented: string | undefined) => boolean {
  const expected = secret === undefined ? undefined : createHash('sha256').update(secret).digest();
  return (given) => {
    const presented = given === undefined ? undefined : createHash('sha256').update(given).digest();
    return expected !== undefined && presented !== undefined && timingSafeEqual(expected, presented);
  };
}

/** Checks `X-Operator-Secret` in constant time; false when no operator secret is configured. */
export function operatorCheck(secret: string | undefined): (request: FastifyRequest) => boolean {
  const matches = operatorSecretMatcher(secret);
  return (request) => {
    const given = request.headers[OPERATOR_HEADER];
    return matches(typeof given === 'string' ? given : undefined);
  };
}

export const operatorRequired = (): Problem => problem(401, 'operator_required', 'Unauthorized', `this route needs the operator secret in ${OPERATOR_HEADER}`);

export function registerOperatorRoutes(app: FastifyInstance, context: CommandContext, secret: string | undefined): void {
  const isOperator = operatorCheck(secret);
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/operator/client_partners',
    {
      config: { auth: ['public'] },
      schema: { summary: 'Register a client partner (operator only)', tags: ['operator'], body: bodySchema, response: { 201: createdSchema, 401: problemSchema } },
    },
    async (request, reply) => {
      if (!isOperator(request)) return sendProblem(reply, operatorRequired());
      const partnerSecret = randomBytes(32).toString('base64url');
      const { clientPartnerId } = await registerClientPartner(context, { name: request.body.name, secret: partnerSecret, actor: 'operator' });
      return reply.code(201).send({ client_partner_id: clientPartnerId, secret: partnerSecret });
    },
  );
}
