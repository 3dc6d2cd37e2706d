/**
 * fastify's per-request lines through the process logger: at info a successful request writes
 * nothing, a 4xx writes one "request completed" at info, a 5xx one at error (besides the error
 * itself); at debug every request writes its "incoming request" and "request completed" again.
 */
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import type { LevelWithSilent } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, requestLineLevel } from './logger.js';

type Line = Readonly<{ level: number; msg: string; reqId?: string; res?: { statusCode?: number } }>;

async function requestLines(level: LevelWithSilent, url: string): Promise<Line[]> {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString('utf8').split('\n')) if (text !== '') lines.push(JSON.parse(text) as Line);
      callback();
    },
  });
  const app = Fastify({ loggerInstance: createLogger(level, sink) });
  app.get('/ok', () => ({ ok: true }));
  app.get('/refused', (_, reply) => reply.code(422).send({ code: 'refused' }));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  await app.ready();
  await app.inject({ url });
  await app.close();
  return lines.filter((line) => line.reqId !== undefined);
}

describe('request lines of the process logger', () => {
  it('at info, a successful request writes no line', async () => {
    expect(await requestLines('info', '/ok')).toEqual([]);
  });

  it('at info, a 4xx writes one "request completed" line at info with its status', async () => {
    const lines = await requestLines('info', '/refused');
    expect(lines.map((line) => [line.msg, line.level, line.res?.statusCode])).toEqual([['request completed', 30, 422]]);
  });

  it('at info, a 5xx writes its "request completed" line at error', async () => {
    const lines = await requestLines('info', '/boom');
    expect(lines.find((line) => line.msg === 'request completed')).toMatchObject({ level: 50, res: { statusCode: 500 } });
  });

  it('at debug, every request writes "incoming request" and "request completed" at debug', async () => {
    const lines = await requestLines('debug', '/ok');
    expect(lines.map((line) => [line.msg, line.level])).toEqual([
      ['incoming request', 20],
      ['request completed', 20],
    ]);
  });

  it('leaves every other line at its own level', () => {
    expect(requestLineLevel([{ err: new Error('x') }, 'command failed'])).toBeUndefined();
    expect(requestLineLevel([{}, 'request completed'])).toBe('debug');
  });
});
