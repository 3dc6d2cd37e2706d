import { createPublicKey } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { parseTerminalId, TenancyError, terminalDecider, toTerminalStreamName, type RegisterTerminal } from '../../domain/tenancy/index.js';
import { problemSchema } from '../../schemas/problem.js';
import { registerTerminalBodySchema, storeParamsSchema, tenancyCommandHeadersSchema, terminalSchema } from '../../schemas/tenancy.js';
import { executeCommand } from '../handleCommand.js';
import { authConfig } from '../../http/authConfig.js';
import { serialize } from '../idempotentCommand.js';
import { findOwnedStore } from './ownership.js';
import { existingTerminal, renderTerminal } from './render.js';
import { PARTNER_SECURITY, partnerOf, runTenancyCommand, sendNotFound, type TenancyRouteDependencies } from './tenancyRoute.js';

/**
 * Terminals prove possession of their key with ES256 assertions, so the registered key must be an
 * SPKI PEM that actually parses as a P-256 public key. The domain checks only the shape (it does no
 * cryptography); this import is the proof, done once, before anything is recorded forever.
 */
function requireP256PublicKey(publicKeyPem: string): void {
  const refusal = new TenancyError('tenancy.invalid_public_key', 'The public key must be an SPKI PEM (BEGIN PUBLIC KEY) of a P-256 (ES256) key.');
  if (!publicKeyPem.startsWith('-----BEGIN PUBLIC KEY-----')) throw refusal;
  try {
    const key = createPublicKey({ key: publicKeyPem, format: 'pem' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw refusal;
  } catch {
    throw refusal;
  }
}

/**
 * `POST /v1/stores/:store_id/terminals`: registers a device at one of the partner's stores. The
 * store must be open and its merchant active; the terminal records the store's merchant.
 *
 * @example registerRegisterTerminal(app, { context, credentials });
 */
export function registerRegisterTerminal(app: FastifyInstance, { context }: TenancyRouteDependencies): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/stores/:store_id/terminals',
    {
      config: authConfig('partner'),
      schema: {
        summary: 'Register a terminal',
        tags: ['tenancy'],
        security: PARTNER_SECURITY,
        headers: tenancyCommandHeadersSchema,
        params: storeParamsSchema,
        body: registerTerminalBodySchema,
        response: { 201: terminalSchema, 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const principal = partnerOf(request);
      const owned = await findOwnedStore(context, principal, request.params.store_id);
      if (owned === undefined) return sendNotFound(reply, 'store');
      const terminalId = parseTerminalId(context.newId('trm'));
      const { device_uuid: deviceUuid, public_key: publicKey, model } = request.body;
      return runTenancyCommand(context, request, reply, principal, async ({ metadata, idempotency }) => {
        requireP256PublicKey(publicKey);
        const now = context.now().toISOString();
        const { store, merchant } = owned;
        return await executeCommand(context, {
          aggregate: terminalDecider,
          stream: toTerminalStreamName(terminalId),
          command: (): RegisterTerminal => ({
            type: 'RegisterTerminal',
            data: {
              terminalId,
              deviceUuid,
              publicKey,
              model,
              storeId: store.storeId,
              storeMerchantId: store.merchantId,
              storeStatus: store.status,
              merchantStatus: merchant.status,
              now,
            },
          }),
          respond: (state) => serialize(201, renderTerminal(existingTerminal(state))),
          metadata,
          ...(idempotency === undefined ? {} : { idempotency }),
        });
      });
    },
  );
}
