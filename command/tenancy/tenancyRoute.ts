/**
 * What every tenancy administration route shares: its dependencies, the calling partner, event
 * metadata, the "not found" answer (also for another partner's resources), and running a command
 * with or without an `Idempotency-Key` (optional here: tenancy changes move no money).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventMetadata } from '../../domain/eventStore/index.js';
import type { IdempotencyKeyRef } from '../../domain/idempotency/index.js';
import { problem } from '../../schemas/problem.js';
import type { CommandContext } from '../commandContext.js';
import { ConcurrencyConflictError, type CommandOutcome } from '../handleCommand.js';
import { domainProblem } from '../../http/domainProblems.js';
import { eventMetadata } from '../../http/eventMetadata.js';
import { runIdempotentCommand } from '../idempotentCommand.js';
import { sendProblem } from '../../http/sendProblem.js';
import type { Principal } from '../../http/principal.js';
import type { CredentialSealer } from './credentialSealer.js';

export type TenancyRouteDependencies = Readonly<{
  context: CommandContext;
  /** Encrypts provider credentials (infra/adapters/auth's CredentialCipher). */
  credentials: CredentialSealer;
}>;

/** OpenAPI: tenancy administration is for partner servers only (the scheme http/openApi.ts declares). */
export const PARTNER_SECURITY = [{ partnerHmac: [] }];

export type PartnerPrincipal = Extract<Principal, { kind: 'partner' }>;

/**
 * The calling partner. The routes allow only partners, so anything else is a wiring error (500).
 *
 * @example const principal = partnerOf(request); // { kind: 'partner', clientPartnerId: 'cp_…' }
 */
export function partnerOf(request: FastifyRequest): PartnerPrincipal {
  const principal = request.principal;
  if (principal?.kind !== 'partner') throw new Error(`route ${request.routeOptions.url ?? ''} ran without a partner principal`);
  return principal;
}

export { sendProblem } from '../../http/sendProblem.js';

/**
 * 404 `not_found`, identical for a missing resource and another partner's, so ids cannot be probed.
 *
 * @example if (merchant === undefined) return sendNotFound(reply, 'merchant');
 */
export function sendNotFound(reply: FastifyReply, kind: 'merchant' | 'store' | 'terminal'): FastifyReply {
  return sendProblem(reply, problem(404, 'not_found', 'Not Found', `no such ${kind}`));
}

export type TenancyExecution = (run: Readonly<{ metadata: EventMetadata; idempotency?: IdempotencyKeyRef }>) => Promise<CommandOutcome>;

/**
 * Runs a tenancy command: under its `Idempotency-Key` when one is sent (replay, mismatch and
 * in-progress rules as for money-moving commands), otherwise once. Domain refusals become their
 * problems; anything unexpected goes to the app's error handler (500, no internals).
 *
 * @example return runTenancyCommand(context, request, reply, principal, ({ metadata, idempotency }) => executeCommand(context, { …, metadata, ...(idempotency && { idempotency }) }));
 */
export async function runTenancyCommand(
  context: CommandContext,
  request: FastifyRequest,
  reply: FastifyReply,
  principal: Principal,
  execute: TenancyExecution,
): Promise<FastifyReply> {
  if (request.headers['idempotency-key'] !== undefined) {
    return runIdempotentCommand(context, request, reply, principal, (key) => execute({ metadata: eventMetadata(request, principal, key), idempotency: key }));
  }
  let outcome: CommandOutcome;
  try {
    outcome = await execute({ metadata: eventMetadata(request, principal, undefined) });
  } catch (error) {
    const refusal = domainProblem(error);
    if (refusal !== undefined) return sendProblem(reply, refusal);
    if (error instanceof ConcurrencyConflictError) {
      return sendProblem(reply, problem(409, 'concurrent_modification', 'Conflict', 'the resource changed while this command ran; retry it'));
    }
    throw error;
  }
  return reply.code(outcome.response.status).type('application/json').send(outcome.response.body);
}
