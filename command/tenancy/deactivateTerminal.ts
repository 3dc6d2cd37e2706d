import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { deactivateTerminalBodySchema } from '../../schemas/tenancy.js';
import type { CommandContext } from '../commandContext.js';
import { authConfig } from '../../http/authConfig.js';
import { runTerminalStatusCommand, terminalStatusRouteSchema } from './terminalStatus.js';

/**
 * `POST /v1/terminals/:terminal_id/deactivate`: the terminal gets no new token, and its current
 * token stops working once the auth layer's cached status expires (seconds). Deactivating a
 * deactivated terminal changes nothing.
 *
 * @example registerDeactivateTerminal(app, { context });
 */
export function registerDeactivateTerminal(app: FastifyInstance, { context }: Readonly<{ context: CommandContext }>): void {
  app
    .withTypeProvider<ZodTypeProvider>()
    .post(
      '/v1/terminals/:terminal_id/deactivate',
      { config: authConfig('partner'), schema: { ...terminalStatusRouteSchema('Deactivate a terminal'), body: deactivateTerminalBodySchema } },
      async (request, reply) =>
        runTerminalStatusCommand(context, request, reply, request.params.terminal_id, ({ terminal }, now) =>
          Promise.resolve({ type: 'DeactivateTerminal', data: { terminalId: terminal.terminalId, reason: request.body.reason, now } }),
        ),
    );
}
