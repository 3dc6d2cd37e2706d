/**
 * Load shedding (docs/load-shedding.md): what this process cannot serve within its deadline is
 * refused at once, before authentication, validation, idempotency or any write, with a retryable
 * problem document — never queued until it times out:
 *
 * - **in-flight gate**: at most `maxInFlight` requests are being served by this process (long-polls
 *   waiting for a change are not counted); one more
 *   answers `503 overloaded` (`Retry-After: 1`, `X-Should-Retry: true`). With the process's
 *   throughput X, a cap C bounds the queueing time of an accepted request to about C / X.
 * - **event-loop pressure** (`@fastify/under-pressure`): while the event loop's mean delay over the
 *   last second exceeds `maxEventLoopDelayMs`, new requests answer `503 overloaded` too.
 * - **quotas** (`@fastify/rate-limit`): requests per minute per terminal and per client partner
 *   (0 = no quota), counted after authentication; over it, `429 rate_limited` with `Retry-After`.
 *
 * Health, readiness, metrics and the ops page are never shed: they are how ops sees the overload.
 */
import underPressure from '@fastify/under-pressure';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problem } from '../schemas/problem.js';
import { sendProblem } from './sendProblem.js';
import { ShedError } from './shedError.js';

export type LoadSheddingSettings = Readonly<{
  /** Requests served at once by this process before `503 overloaded` (0 = no gate). */
  maxInFlight: number;
  /** Mean event-loop delay over the last second above which requests are shed (0 = off). */
  maxEventLoopDelayMs: number;
  /** Requests per minute per terminal and per client partner (0 = no quota). */
  quotas: Readonly<{ terminalPerMinute: number; partnerPerMinute: number }>;
  /** Counts each refusal by reason (`in_flight`, `event_loop_delay`, `quota`). */
  onShed?: (reason: ShedReason) => void;
}>;

export type ShedReason = 'in_flight' | 'event_loop_delay' | 'quota';

export const OVERLOADED_RETRY_AFTER_SECONDS = 1;

const NEVER_SHED = /^\/(health|ready|metrics|ops)(\/|$|\?)/;

const isExempt = (request: FastifyRequest): boolean => NEVER_SHED.test(request.url);

function sendOverloaded(request: FastifyRequest, reply: FastifyReply, detail: string): FastifyReply {
  void reply.header('retry-after', String(OVERLOADED_RETRY_AFTER_SECONDS)).header('x-should-retry', 'true');
  return sendProblem(reply, {
    ...problem(503, 'overloaded', 'Service Unavailable', `${detail}; the request was not processed: retry it after Retry-After seconds`),
    request_id: request.id,
  });
}

/** Registers the three mechanisms; call before the routes (the quota hook attaches to routes as they are added). */
export async function registerLoadShedding(app: FastifyInstance, settings: LoadSheddingSettings): Promise<void> {
  registerInFlightGate(app, settings);
  if (settings.maxEventLoopDelayMs > 0) {
    await app.register(underPressure, {
      maxEventLoopDelay: settings.maxEventLoopDelayMs,
      // Returning nothing lets the request go on — unless the reply was sent here (fastify stops a sent reply's chain).
      pressureHandler: (request, reply, type, value) => {
        if (isExempt(request)) return;
        settings.onShed?.('event_loop_delay');
        const delay = typeof value === 'number' ? `${Math.round(value)} ms` : 'too high';
        void sendOverloaded(request, reply, `this instance is overloaded (${type}: ${delay})`);
      },
    });
  }
  const { terminalPerMinute, partnerPerMinute } = settings.quotas;
  if (terminalPerMinute > 0 || partnerPerMinute > 0) await registerQuotas(app, settings, { terminal: terminalPerMinute, partner: partnerPerMinute });
}

/** A long-poll (`?wait_for_change=`) waits for a change instead of working: it takes no in-flight slot. */
const isLongPoll = (request: FastifyRequest): boolean => request.method === 'GET' && request.url.includes('wait_for_change=');

function registerInFlightGate(app: FastifyInstance, settings: LoadSheddingSettings): void {
  if (settings.maxInFlight <= 0) return;
  let inFlight = 0;
  app.addHook('onRequest', async (request, reply) => {
    if (isExempt(request) || isLongPoll(request)) return;
    if (inFlight >= settings.maxInFlight) {
      settings.onShed?.('in_flight');
      return sendOverloaded(request, reply, `this instance is serving ${inFlight} requests, its limit`);
    }
    inFlight += 1;
    // 'close' comes once whether the answer was sent or the client went away.
    reply.raw.once('close', () => {
      inFlight -= 1;
    });
  });
}

type QuotaKey = Readonly<{ key: string; perMinute: number }>;

function quotaOf(request: FastifyRequest, perMinute: Readonly<{ terminal: number; partner: number }>): QuotaKey | undefined {
  const principal = request.principal;
  if (principal?.kind === 'terminal' && perMinute.terminal > 0) return { key: `terminal:${principal.terminalId}`, perMinute: perMinute.terminal };
  if (principal?.kind === 'partner' && perMinute.partner > 0) return { key: `partner:${principal.clientPartnerId}`, perMinute: perMinute.partner };
  return undefined;
}

async function registerQuotas(app: FastifyInstance, settings: LoadSheddingSettings, perMinute: Readonly<{ terminal: number; partner: number }>): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    // After authentication (preValidation), so the quota is the caller's; before the handler, so nothing is claimed or written.
    hook: 'preHandler',
    timeWindow: 60_000,
    allowList: (request) => quotaOf(request, perMinute) === undefined,
    keyGenerator: (request) => quotaOf(request, perMinute)?.key ?? 'none',
    max: (request) => quotaOf(request, perMinute)?.perMinute ?? Number.MAX_SAFE_INTEGER,
    addHeadersOnExceeding: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true },
    errorResponseBuilder: (request, context) => {
      settings.onShed?.('quota');
      const who = quotaOf(request, perMinute)?.key ?? 'this caller';
      return new ShedError({
        ...problem(429, 'rate_limited', 'Too Many Requests', `${who} sent more than ${context.max} requests in a minute; retry after ${context.after}`),
        request_id: request.id,
      });
    },
  });
}
