import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { canonicalJson, isStoreUnavailable, type JsonValue } from '../domain/eventStore/index.js';
import type { IdempotencyKeyRef, StoredResponse } from '../domain/idempotency/index.js';
import { isUndecodableEventError } from '../schemas/events/index.js';
import { idempotencyProblem, problem, type Problem } from '../schemas/problem.js';
import type { CommandContext } from './commandContext.js';
import { ConcurrencyConflictError, type CommandOutcome } from './handleCommand.js';
import { domainProblem, storedEventLogFields, undecodableEventProblem } from '../http/domainProblems.js';
import { idempotencyScope, type Principal } from '../http/principal.js';
import { databaseUnavailableProblem, markRetryable } from '../http/unavailable.js';

const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The request's identity for idempotency: method, route template, path params, canonical body (rule 5). */
export function fingerprint(request: FastifyRequest): string {
  const parts: JsonValue = [request.method, request.routeOptions.url ?? request.url, toJson(request.params), toJson(request.body)];
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}

function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

export function serialize(status: number, body: unknown): StoredResponse {
  return { status, body: JSON.stringify(body) };
}

export function problemResponse(body: Problem): StoredResponse {
  return serialize(body.status, body);
}

function send(reply: FastifyReply, response: StoredResponse, shouldRetry?: boolean): FastifyReply {
  if (shouldRetry !== undefined) void reply.header('x-should-retry', String(shouldRetry));
  return reply
    .code(response.status)
    .type(response.status >= 400 ? 'application/problem+json' : 'application/json')
    .send(response.body);
}

/**
 * Runs a money-moving command under its `Idempotency-Key` (reference/payments.md (d)):
 * required key (rule 1) → claim (replay byte for byte with `Idempotent-Replayed: true`, mismatch
 * 400, in progress 409 + Retry-After) → execute → store the outcome (rule 9: success atomically
 * with the events; a domain refusal after). What was not the client's doing is never pinned: a lost
 * race (409 concurrent_modification) and every 5xx release the claim, so a retry runs (docs/idempotency.md).
 */
export async function runIdempotentCommand(
  context: CommandContext,
  request: FastifyRequest,
  reply: FastifyReply,
  principal: Principal,
  execute: (key: IdempotencyKeyRef) => Promise<CommandOutcome>,
): Promise<FastifyReply> {
  const header = request.headers['idempotency-key'];
  const keyText = Array.isArray(header) ? header[0] : header;
  if (keyText === undefined) {
    return send(reply, problemResponse(idempotencyProblem(400, 'idempotency_key_required', 'this command requires an Idempotency-Key header', request.id)), false);
  }
  if (!IDEMPOTENCY_KEY_PATTERN.test(keyText)) {
    return send(reply, problemResponse(idempotencyProblem(400, 'idempotency_key_invalid', 'Idempotency-Key must be 1–255 printable ASCII characters', request.id)), false);
  }
  const key: IdempotencyKeyRef = { scope: idempotencyScope(principal), key: keyText };
  // Not reachable while claiming: nothing ran; the error handler answers the retryable 503.
  const claim = await context.idempotency.begin(key, fingerprint(request));
  switch (claim.outcome) {
    case 'replay':
      void reply.header('idempotent-replayed', 'true');
      return send(reply, claim.response, claim.response.status >= 500);
    case 'mismatch':
      return send(
        reply,
        problemResponse(
          idempotencyProblem(400, 'idempotency_key_mismatch', 'keys for idempotent requests can only be used with the same parameters they were first used with', request.id),
        ),
        false,
      );
    case 'in_progress':
      void reply.header('retry-after', String(claim.retryAfterSeconds));
      return send(reply, problemResponse(idempotencyProblem(409, 'idempotency_key_in_use', 'a request with this Idempotency-Key is still running', request.id)), true);
    case 'started':
      return await executeClaimed(context, request, reply, key, execute);
  }
}

async function executeClaimed(
  context: CommandContext,
  request: FastifyRequest,
  reply: FastifyReply,
  key: IdempotencyKeyRef,
  execute: (key: IdempotencyKeyRef) => Promise<CommandOutcome>,
): Promise<FastifyReply> {
  const [response, shouldRetry] = await executeAndStore(context, request, key, execute);
  if (response.status === 503) markRetryable(reply);
  return send(reply, response, shouldRetry);
}

async function executeAndStore(
  context: CommandContext,
  request: FastifyRequest,
  key: IdempotencyKeyRef,
  execute: (key: IdempotencyKeyRef) => Promise<CommandOutcome>,
): Promise<[StoredResponse, boolean | undefined]> {
  try {
    const outcome = await execute(key);
    // With events, `ledger_append` completed the key in their transaction; without, do it now.
    if (outcome.appended === 0) {
      if (outcome.response.status >= 500) await releaseQuietly(context, key);
      else await context.idempotency.complete(key, outcome.response);
    }
    return [outcome.response, undefined];
  } catch (error) {
    const refusal = domainProblem(error);
    if (refusal !== undefined) {
      const response = problemResponse(refusal);
      await context.idempotency.complete(key, response);
      return [response, false];
    }
    if (isUndecodableEventError(error)) {
      request.log.error({ err: error, ...storedEventLogFields(error) }, 'stored event undecodable');
      // Nothing was appended: release the key, so the same request succeeds once the codec reads the event.
      await context.idempotency.release(key);
      return [problemResponse(undecodableEventProblem(error)), undefined];
    }
    if (error instanceof ConcurrencyConflictError) {
      await context.idempotency.release(key);
      return [problemResponse(problem(409, 'concurrent_modification', 'Conflict', 'the payment intent changed while this command ran; retry it')), true];
    }
    if (isStoreUnavailable(error)) {
      // Not the client's failure and its outcome is unknown: never pinned. If the events committed,
      // their transaction completed the key (a retry replays it); otherwise the claim is freed
      // (or, with the database gone, left to its lease: the retry gets 409 in use, also retryable).
      request.log.warn({ err: error }, 'command interrupted: database unavailable');
      await context.idempotency.release(key).catch(() => undefined);
      return [problemResponse(databaseUnavailableProblem(request.id)), true];
    }
    request.log.error({ err: error }, 'command failed');
    const response = problemResponse(problem(500, 'internal_error', 'Internal Server Error', 'an unexpected error occurred; GET the resource for its current state'));
    // Not the client's fault: never pinned. If the events committed, their transaction already
    // completed the key (release only forgets a key still in progress), so the retry replays them.
    await releaseQuietly(context, key);
    return [response, true];
  }
}

/** Forgets the claim; if that fails too (the database is gone), the claim's owner session or lease frees it. */
async function releaseQuietly(context: CommandContext, key: IdempotencyKeyRef): Promise<void> {
  await context.idempotency.release(key).catch(() => undefined);
}
