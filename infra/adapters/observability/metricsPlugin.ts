import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LedgerMetrics } from './metrics.js';
import type { RequestWindow } from './requestWindow.js';

const started = new WeakMap<FastifyRequest, bigint>();
const problemCodes = new WeakMap<FastifyRequest, string>();

const isCommand = (method: string, route: string): boolean => method !== 'GET' && method !== 'HEAD' && route.startsWith('/v1/') && !route.startsWith('/v1/ops/');

function problemCode(payload: unknown): string | undefined {
  if (typeof payload !== 'string' || payload.length > 64 * 1024) return undefined;
  try {
    const parsed: unknown = JSON.parse(payload);
    return typeof parsed === 'object' && parsed !== null && 'code' in parsed && typeof parsed.code === 'string' ? parsed.code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Per request: the duration histogram (by route template, never the raw URL, so ids do not
 * explode the label set), the command counter (POST /v1 routes; outcome `ok`, `replayed` or the
 * problem's stable code), the idempotency outcomes, and the /ops page's request window.
 */
export function registerHttpMetrics(app: FastifyInstance, metrics: LedgerMetrics, window: RequestWindow): void {
  app.addHook('onRequest', (request, _reply, done) => {
    started.set(request, process.hrtime.bigint());
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/problem+json')) {
      const code = problemCode(payload);
      if (code !== undefined) problemCodes.set(request, code);
    }
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const start = started.get(request);
    const seconds = start === undefined ? 0 : Number(process.hrtime.bigint() - start) / 1e9;
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.observeHttp(request.method, route, status, seconds);
    window.add(status, seconds * 1000);
    const code = problemCodes.get(request);
    const replayed = reply.getHeader('idempotent-replayed') === 'true';
    if (isCommand(request.method, route)) metrics.observeCommand(`${request.method} ${route}`, replayed ? 'replayed' : (code ?? (status < 400 ? 'ok' : `http_${status}`)));
    if (replayed) metrics.observeIdempotency('replayed');
    else if (code === 'idempotency_key_in_use') metrics.observeIdempotency('in_use');
    else if (code === 'idempotency_key_mismatch') metrics.observeIdempotency('mismatch');
    done();
  });
}
