import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventMetadata, StreamRevision } from '../../domain/eventStore/index.js';
import { WrongExpectedVersionError } from '../../domain/eventStore/index.js';
import type { IdempotencyKeyRef } from '../../domain/idempotency/index.js';
import type { PaymentIntent, PaymentIntentCommand } from '../../domain/paymentIntent/index.js';
import { paymentIntentDecider, paymentIntentError, toPaymentIntentStreamName } from '../../domain/paymentIntent/index.js';
import type { CommandContext } from '../commandContext.js';
import { isDomainError } from '../../domain/shared/index.js';
import { ConcurrencyConflictError, executeCommand, type CommandOutcome } from '../handleCommand.js';
import { runIdempotentCommand, serialize } from '../idempotentCommand.js';
import { canAccess, type Principal } from '../../http/principal.js';
import { renderPaymentIntent } from '../../schemas/paymentIntentRepresentation.js';

import type { PaymentTokenIssuer } from '../../http/authConfig.js';

export type { PaymentTokenIssuer };

export type PaymentIntentRouteDependencies = Readonly<{
  context: CommandContext;
  issuePaymentToken: PaymentTokenIssuer;
}>;

/** What a route prepares once it owns the idempotency key (lookups that may refuse are stored too). */
export type PreparedCommand = Readonly<{
  /** The intent to act on when it differs from the route's (a create recovering its reservation). */
  paymentIntentId?: string;
  /** Builds the command from the state loaded (again after a conflict) and the request's `now`. */
  command: (state: PaymentIntent, now: string) => PaymentIntentCommand;
  /** Extra response fields (the create response's payment_token). */
  extra?: Readonly<Record<string, string>>;
  /** Writes what an accepted decision depends on, before its append (see `ExecuteCommand.beforeAppend`). */
  beforeAppend?: (metadata: EventMetadata) => Promise<void>;
  /** The other streams the command was built from, at the revisions read: its appends require them unchanged. */
  consistentWith?: readonly StreamRevision[];
  /** Some of those were read from the process's cache: a refusal is then confirmed on fresh reads. */
  readFromCache?: boolean;
  /** The intent's id was just drawn: its stream is not read before the first decision. */
  newStream?: boolean;
}>;

/** How `prepare` reads: `fresh` bypasses every cache (a re-decision after a stale read). */
export type PrepareReads = Readonly<{ fresh: boolean }>;

export type PaymentIntentCommandRun = Readonly<{
  paymentIntentId: string;
  successStatus: 200 | 201;
  /** Whether a `payment_token` for this intent may run the command (confirm only). */
  allowPaymentToken: boolean;
  prepare: (principal: Principal, key: IdempotencyKeyRef, reads: PrepareReads) => PreparedCommand | Promise<PreparedCommand>;
}>;

/** The caller, as authentication established it; a route without one is a wiring error. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === undefined) throw new Error(`route ${request.routeOptions.url ?? ''} ran without authentication`);
  return request.principal;
}

import { eventMetadata } from '../../http/eventMetadata.js';

export { eventMetadata };

/**
 * One PaymentIntent command over HTTP: idempotency, tenant scoping (another tenant's intent is
 * "not found"), load → decide → append, and the intent's resource as the response. A command
 * prepared on other streams (a create's tenancy) is prepared and decided again on fresh reads when
 * one of them moved before its append committed, or when it was refused on cached facts.
 */
export async function runPaymentIntentCommand(
  dependencies: PaymentIntentRouteDependencies,
  request: FastifyRequest,
  reply: FastifyReply,
  run: PaymentIntentCommandRun,
): Promise<FastifyReply> {
  const principal = principalOf(request);
  const now = dependencies.context.now().toISOString();
  return runIdempotentCommand(dependencies.context, request, reply, principal, async (key) => {
    for (let round = 0; ; round += 1) {
      const prepared = await run.prepare(principal, key, { fresh: round > 0 });
      try {
        return await executePrepared(dependencies, request, run, { principal, key, now, prepared });
      } catch (error) {
        const moved = error instanceof WrongExpectedVersionError && (prepared.consistentWith ?? []).some((read) => read.stream === error.stream);
        // Decided on facts that may be stale: again on fresh reads (a moved stream bounded, then 409).
        if (!moved && !(prepared.readFromCache === true && isDomainError(error))) throw error;
        if (round >= dependencies.context.conflictRetriesMax) throw moved ? new ConcurrencyConflictError(error.stream) : error;
      }
    }
  });
}

type PreparedRun = Readonly<{ principal: Principal; key: IdempotencyKeyRef; now: string; prepared: PreparedCommand }>;

/** Load → decide → append of one prepared command, with the intent's resource as the response. */
function executePrepared(
  dependencies: PaymentIntentRouteDependencies,
  request: FastifyRequest,
  run: PaymentIntentCommandRun,
  { principal, key, now, prepared }: PreparedRun,
): Promise<CommandOutcome> {
  const paymentIntentId = prepared.paymentIntentId ?? run.paymentIntentId;
  const metadata = eventMetadata(request, principal, key);
  const { beforeAppend } = prepared;
  return executeCommand(dependencies.context, {
    aggregate: paymentIntentDecider,
    stream: toPaymentIntentStreamName(paymentIntentId),
    command: (state) => prepared.command(state, now),
    guard: (state) => {
      assertVisible(principal, state, paymentIntentId, run.allowPaymentToken);
    },
    respond: (state) => {
      if (state.status === 'absent') throw paymentIntentError('payment_intent.not_found', `no payment intent ${paymentIntentId}`);
      return serialize(run.successStatus, { ...renderPaymentIntent(state), ...prepared.extra });
    },
    metadata,
    idempotency: key,
    ...(beforeAppend === undefined ? {} : { beforeAppend: () => beforeAppend(metadata) }),
    ...(prepared.consistentWith === undefined ? {} : { consistentWith: prepared.consistentWith }),
    ...(prepared.newStream === undefined ? {} : { newStream: prepared.newStream }),
  });
}

/** Whether the caller may act on this intent (a payment token only on its own, where allowed). */
export function isVisible(principal: Principal, state: PaymentIntent, paymentIntentId: string, allowPaymentToken: boolean): boolean {
  const tokenRefused = principal.kind === 'payment_token' && (!allowPaymentToken || principal.paymentIntentId !== paymentIntentId);
  return !tokenRefused && (state.status === 'absent' || canAccess(principal, state));
}

/** Throws `payment_intent.not_found` unless the caller may act on this intent. */
export function assertVisible(principal: Principal, state: PaymentIntent, paymentIntentId: string, allowPaymentToken: boolean): void {
  if (!isVisible(principal, state, paymentIntentId, allowPaymentToken)) {
    throw paymentIntentError('payment_intent.not_found', `no payment intent ${paymentIntentId}`);
  }
}
