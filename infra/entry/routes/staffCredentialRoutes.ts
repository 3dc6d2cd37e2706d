/**
 * Staff credentials, managed by an operator (a staff credential with role operator, or the bootstrap
 * `X-Operator-Secret`):
 * - `POST /v1/operator/credentials` — create one for a person or system, with a role (a
 *   merchant_reader names its merchant); the credential `stf_<id>.<secret>` is returned once;
 * - `GET  /v1/operator/credentials` — every credential (never a secret), with last use and revocation;
 * - `POST /v1/operator/credentials/:id/revoke` — refused from the next request on (again: no change).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authConfig, OPERATOR_SECURITY } from '../../../http/authConfig.js';
import { actorOf, STAFF_ROLES } from '../../../http/principal.js';
import { sendProblem } from '../../../http/problemDetails.js';
import { problem, problemSchema } from '../../../schemas/problem.js';
import type { StaffCredential, StaffCredentialStore } from '../../adapters/auth/staffCredentials.js';
import type { TenancyDirectory } from '../../adapters/auth/tenancyDirectory.js';

export type StaffCredentialRouteDependencies = Readonly<{ staff: StaffCredentialStore; directory: TenancyDirectory }>;

const credentialIdSchema = z
  .string()
  .regex(/^stf_[0-9A-HJKMNP-TV-Z]{26}$/)
  .describe('stf_<ULID>');

const createBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200).describe('Who or what holds it: "Alice Sato (external audit)", "prometheus-scraper"'),
    role: z.enum(STAFF_ROLES),
    merchant_id: z
      .string()
      .regex(/^mer_[0-9A-HJKMNP-TV-Z]{26}$/)
      .optional()
      .describe('Required for merchant_reader, refused for every other role'),
  })
  .strict();

const credentialSchema = z.object({
  id: z.string(),
  object: z.literal('staff_credential'),
  name: z.string(),
  role: z.enum(STAFF_ROLES),
  merchant_id: z.string().nullable(),
  client_partner_id: z.string().nullable(),
  created_at: z.string(),
  created_by: z.string(),
  revoked_at: z.string().nullable(),
  revoked_by: z.string().nullable(),
  last_used_at: z.string().nullable(),
});

const createdSchema = credentialSchema.extend({
  credential: z.string().describe('Authorization: Bearer <credential>. Shown once; the ledger keeps only the SHA-256 of its secret'),
});

const render = (credential: StaffCredential): z.infer<typeof credentialSchema> => ({
  id: credential.credentialId,
  object: 'staff_credential',
  name: credential.name,
  role: credential.role,
  merchant_id: credential.merchantId,
  client_partner_id: credential.clientPartnerId,
  created_at: credential.createdAt,
  created_by: credential.createdBy,
  revoked_at: credential.revokedAt,
  revoked_by: credential.revokedBy,
  last_used_at: credential.lastUsedAt,
});

const invalid = (reply: FastifyReply, detail: string): FastifyReply =>
  sendProblem(reply, { ...problem(400, 'validation_error', 'Bad Request', detail), errors: [{ path: 'body.merchant_id', message: detail }] });

export function registerStaffCredentialRoutes(app: FastifyInstance, dependencies: StaffCredentialRouteDependencies): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const config = authConfig({ staff: ['operator'] });
  const security = OPERATOR_SECURITY;
  const actor = (principal: Parameters<typeof actorOf>[0] | undefined): string => (principal === undefined ? 'operator' : actorOf(principal));

  typed.post(
    '/v1/operator/credentials',
    {
      config,
      schema: {
        summary: 'Create a staff credential (operator)',
        tags: ['operator'],
        security,
        body: createBodySchema,
        response: { 201: createdSchema, 400: problemSchema, 401: problemSchema, 403: problemSchema },
      },
    },
    async (request, reply) => {
      const { name, role, merchant_id: merchantId } = request.body;
      const createdBy = actor(request.principal);
      if (role !== 'merchant_reader') {
        if (merchantId !== undefined) return invalid(reply, `merchant_id is only for role merchant_reader, not ${role}`);
        const { credential, token } = await dependencies.staff.create({ name, role, createdBy });
        return reply.code(201).send({ ...render(credential), credential: token });
      }
      if (merchantId === undefined) return invalid(reply, 'merchant_id is required for role merchant_reader');
      const merchant = await dependencies.directory.loadMerchant(merchantId);
      if (merchant.status === 'not_onboarded') return sendProblem(reply, problem(404, 'merchant.not_found', 'Not Found', `no merchant ${merchantId}`));
      const { credential, token } = await dependencies.staff.create({ name, role, merchantId, clientPartnerId: merchant.clientPartnerId, createdBy });
      return reply.code(201).send({ ...render(credential), credential: token });
    },
  );

  typed.get(
    '/v1/operator/credentials',
    {
      config,
      schema: {
        summary: 'List staff credentials (operator)',
        tags: ['operator'],
        security,
        response: { 200: z.object({ object: z.literal('list'), data: z.array(credentialSchema) }), 401: problemSchema, 403: problemSchema },
      },
    },
    async () => ({ object: 'list' as const, data: (await dependencies.staff.list()).map(render) }),
  );

  typed.post(
    '/v1/operator/credentials/:id/revoke',
    {
      config,
      schema: {
        summary: 'Revoke a staff credential (operator)',
        tags: ['operator'],
        security,
        params: z.object({ id: credentialIdSchema }),
        response: { 200: credentialSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const revoked = await dependencies.staff.revoke(request.params.id, actor(request.principal));
      if (revoked === undefined) return sendProblem(reply, problem(404, 'staff_credential.not_found', 'Not Found', `no staff credential ${request.params.id}`));
      return render(revoked);
    },
  );
}
