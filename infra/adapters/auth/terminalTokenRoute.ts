import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { authConfig } from '../../../http/authConfig.js';
import { problemSchema } from '../../../schemas/problem.js';
import { terminalTokenRequestSchema, terminalTokenResponseSchema } from '../../../schemas/tenancy.js';
import { sendAuthProblem } from '../../../http/authProblems.js';
import type { Authentication } from './authentication.js';
import { verifyTerminalAssertion } from './terminalAssertion.js';

/**
 * `POST /v1/terminal_tokens` (public): a terminal trades a fresh assertion signed with its
 * registered private key for a 120-second access token (OAuth 2.0 client-credentials style, with a
 * private-key JWT instead of a secret; RFC 7523 §2.2). `Cache-Control: no-store`, as RFC 6749 §5.1
 * asks of token responses.
 *
 * @example registerTerminalTokenRoute(app, authentication);
 */
export function registerTerminalTokenRoute(app: FastifyInstance, authentication: Authentication): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/terminal_tokens',
    {
      config: authConfig('public'),
      schema: {
        summary: 'Obtain a terminal access token',
        tags: ['authentication'],
        // Public: the assertion in the body is the credential.
        security: [],
        body: terminalTokenRequestSchema,
        response: { 200: terminalTokenResponseSchema, 400: problemSchema, 401: problemSchema, 403: problemSchema },
      },
    },
    async (request, reply) => {
      const { terminal_id: terminalId, assertion } = request.body;
      const outcome = await verifyTerminalAssertion(authentication, terminalId, assertion);
      if (!outcome.ok) return sendAuthProblem(reply, outcome.failure);
      const issued = await authentication.tokens.issueTerminalToken(outcome.claims);
      return reply
        .code(200)
        .header('cache-control', 'no-store')
        .send({ access_token: issued.accessToken, token_type: 'Bearer' as const, expires_in: issued.expiresInSeconds });
    },
  );
}
