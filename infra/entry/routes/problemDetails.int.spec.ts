/**
 * Problem documents everywhere (issue 9 item 8), over the whole ledger: every refusal fastify
 * itself makes — unknown route, wrong method, media type, body size, shutdown — answers an RFC 9457
 * document with a stable code, and schema errors name the field without a trailing dot.
 */
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../../../test/support/database.js';
import { startTestbed, type Testbed } from '../../../test/support/testLedger.js';
import { loadConfig } from '../config.js';
import { createLedger } from '../ledger.js';
import { createLogger } from '../../adapters/observability/logger.js';

let bed: Testbed;
beforeAll(async () => {
  bed = await startTestbed();
});
afterAll(async () => {
  await bed.harness.close();
});

describe('problem documents for what fastify refuses', () => {
  it('an unknown route is 404 route_not_found with the request id', async () => {
    const response = await bed.harness.ledger.app.inject({ method: 'GET', url: '/v1/nothing_here' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'route_not_found', request_id: expect.any(String) as unknown });
  });

  it('a wrong method on an existing path is 405 method_not_allowed with Allow', async () => {
    const response = await bed.harness.ledger.app.inject({ method: 'PUT', url: '/v1/payment_intents/pi_01J0000000000000000000000/confirm', payload: {} });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(response.json()).toMatchObject({ status: 405, code: 'method_not_allowed', title: 'Method Not Allowed', request_id: expect.any(String) as unknown });
    const onGetRoute = await bed.harness.ledger.app.inject({ method: 'DELETE', url: '/health' });
    expect(onGetRoute.statusCode).toBe(405);
    expect(onGetRoute.headers.allow).toBe('GET, HEAD');
  });

  it('a text/plain body on a JSON route is 415 Unsupported Media Type naming the type', async () => {
    const response = await bed.harness.ledger.app.inject({ method: 'POST', url: '/v1/merchants', headers: { 'content-type': 'text/plain' }, payload: '{"legal_name":"x"}' });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ code: 'unsupported_media_type', title: 'Unsupported Media Type', detail: expect.stringContaining('text/plain') as unknown });
    const xml = await bed.harness.ledger.app.inject({ method: 'POST', url: '/v1/merchants', headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(xml.statusCode).toBe(415);
    expect(xml.json()).toMatchObject({ code: 'unsupported_media_type', title: 'Unsupported Media Type' });
  });

  it('a body over the limit is 413 body_too_large naming the limit', async () => {
    const response = await bed.harness.ledger.app.inject({
      method: 'POST',
      url: '/v1/merchants',
      headers: { 'content-type': 'application/json' },
      payload: `"${'x'.repeat(300 * 1024)}"`,
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'body_too_large', title: 'Content Too Large', detail: expect.stringContaining('262144 bytes') as unknown });
  });

  it('a whole-body schema error names `body`, not `body.`', async () => {
    const response = await bed.terminal.post('/v1/payment_intents', []);
    expect(response.statusCode).toBe(400);
    const paths = response.json<{ errors: { path: string }[] }>().errors.map((error) => error.path);
    expect(paths).toContain('body');
    expect(paths.every((path) => !path.endsWith('.'))).toBe(true);
    const field = await bed.terminal.post('/v1/payment_intents', { amount: 'ten', mode: 'manual' });
    expect(field.json<{ errors: { path: string }[] }>().errors.map((error) => error.path)).toContain('body.amount');
  });
});

describe('a request that arrives during shutdown', () => {
  it('is answered 503 shutting_down as a problem document with Retry-After, not fastify plain JSON', async () => {
    const urlsLogged: string[] = [];
    const logs = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk
          .toString('utf8')
          .split('\n')
          .filter((text) => text !== '')) {
          const entry = JSON.parse(line) as { msg?: string; req?: { url?: string } };
          if (entry.msg === 'incoming request' && entry.req?.url !== undefined) urlsLogged.push(entry.req.url);
        }
        callback();
      },
    });
    // At debug, where fastify's "incoming request" lines are written (logger.ts).
    const ledger = await createLedger(loadConfig({ DATABASE_URL: testDatabaseUrl() }), createLogger('debug', logs));
    const address = await ledger.app.listen({ host: '127.0.0.1', port: 0 });
    let socket: Socket | undefined;
    try {
      const { port } = new URL(address);
      const opened = connect(Number(port), '127.0.0.1');
      socket = opened;
      let received = '';
      opened.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
      const ended = new Promise<void>((resolve) =>
        opened.on('close', () => {
          resolve();
        }),
      );
      await new Promise<void>((resolve) =>
        opened.once('connect', () => {
          resolve();
        }),
      );
      // A request still sending its body keeps the connection busy while shutdown begins.
      opened.write('POST /v1/merchants HTTP/1.1\r\nHost: ledger\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{');
      await expect.poll(() => urlsLogged.includes('/v1/merchants'), { timeout: 20_000, interval: 20 }).toBe(true);
      const closing = ledger.close();
      // Its body ends, and the next request on that connection arrives after shutdown began.
      opened.write('}GET /health HTTP/1.1\r\nHost: ledger\r\n\r\n');
      await closing;
      await ended;
      const second = received.slice(received.indexOf('HTTP/1.1', 1));
      expect(second).toMatch(/^HTTP\/1\.1 503 /);
      expect(second).toMatch(/\r\nretry-after: 1\r\n/i);
      expect(second).toMatch(/\r\ncontent-type: application\/problem\+json/i);
      const body = JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
      expect(body).toMatchObject({ status: 503, code: 'shutting_down', title: 'Service Unavailable' });
    } finally {
      socket?.destroy();
    }
  });
});
