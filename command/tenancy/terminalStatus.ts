import type { FastifyReply, FastifyRequest } from 'fastify';
import { terminalDecider, toTerminalStreamName, type TerminalCommand } from '../../domain/tenancy/index.js';
import { problemSchema } from '../../schemas/problem.js';
import { tenancyCommandHeadersSchema, terminalParamsSchema, terminalSchema } from '../../schemas/tenancy.js';
import type { CommandContext } from '../commandContext.js';
import { executeCommand } from '../handleCommand.js';
import { serialize } from '../idempotentCommand.js';
import { findOwnedTerminal, type OwnedTerminal } from './ownership.js';
import { existingTerminal, renderTerminal } from './render.js';
import { PARTNER_SECURITY, partnerOf, runTenancyCommand, sendNotFound, type TenancyExecution } from './tenancyRoute.js';

/** @example app.post(url, { config: authConfig('partner'), schema: terminalStatusRouteSchema('Reactivate a terminal') }, handler) */
export const terminalStatusRouteSchema = (summary: string) => ({
  summary,
  tags: ['tenancy'],
  security: PARTNER_SECURITY,
  headers: tenancyCommandHeadersSchema,
  params: terminalParamsSchema,
  response: { 200: terminalSchema, 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema },
});

/**
 * Shared by deactivate and reactivate: the ownership check, then the terminal command built from
 * the owned terminal (and, for reactivation, its store's current status).
 *
 * @example return runTerminalStatusCommand(context, request, reply, request.params.terminal_id, ({ terminal }, now) =>
 *   Promise.resolve({ type: 'DeactivateTerminal', data: { terminalId: terminal.terminalId, reason, now } }));
 */
export async function runTerminalStatusCommand(
  context: CommandContext,
  request: FastifyRequest,
  reply: FastifyReply,
  terminalId: string,
  toCommand: (owned: OwnedTerminal, now: string) => Promise<TerminalCommand>,
): Promise<FastifyReply> {
  const principal = partnerOf(request);
  const owned = await findOwnedTerminal(context, principal, terminalId);
  if (owned === undefined) return sendNotFound(reply, 'terminal');
  const execute: TenancyExecution = async ({ metadata, idempotency }) => {
    const now = context.now().toISOString();
    const command = await toCommand(owned, now);
    return executeCommand(context, {
      aggregate: terminalDecider,
      stream: toTerminalStreamName(owned.terminal.terminalId),
      command: () => command,
      respond: (state) => serialize(200, renderTerminal(existingTerminal(state))),
      metadata,
      ...(idempotency === undefined ? {} : { idempotency }),
    });
  };
  return runTenancyCommand(context, request, reply, principal, execute);
}
