import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { storeDecider, toStoreStreamName } from '../../domain/tenancy/index.js';
import type { CommandContext } from '../commandContext.js';
import { loadAggregate } from '../handleCommand.js';
import { authConfig } from '../../http/authConfig.js';
import { runTerminalStatusCommand, terminalStatusRouteSchema } from './terminalStatus.js';

/**
 * `POST /v1/terminals/:terminal_id/reactivate`: the terminal's store must be open and its merchant
 * active (facts read from their streams now). Reactivating an active terminal changes nothing.
 *
 * @example registerReactivateTerminal(app, { context });
 */
export function registerReactivateTerminal(app: FastifyInstance, { context }: Readonly<{ context: CommandContext }>): void {
  app
    .withTypeProvider<ZodTypeProvider>()
    .post('/v1/terminals/:terminal_id/reactivate', { config: authConfig('partner'), schema: terminalStatusRouteSchema('Reactivate a terminal') }, async (request, reply) =>
      runTerminalStatusCommand(context, request, reply, request.params.terminal_id, async ({ terminal, merchant }, now) => {
        const store = (await loadAggregate(context, storeDecider, toStoreStreamName(terminal.storeId))).state;
        return {
          type: 'ReactivateTerminal',
          data: { terminalId: terminal.terminalId, storeStatus: store.status, merchantStatus: merchant.status, now },
        };
      }),
    );
}
