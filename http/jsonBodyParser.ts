/**
 * The JSON body parser of the ledger: it keeps the raw bytes (the partner signature covers the
 * body's SHA-256, so it must hash exactly what was sent, not a re-serialisation) and parses them with
 * fastify's own secure parser (prototype-poisoning keys refused). Bad JSON is a 400 `malformed_json`
 * problem, answered by the app's error handler (http/problemDetails.ts reads `code`). No other
 * media type is parsed (fastify's text/plain parser is removed): any other body is 415.
 */
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body bytes exactly as received (JSON requests only); set by the JSON body parser. */
    rawBody?: Buffer;
  }
}

/** A body that is not JSON (or tries prototype poisoning). */
export class MalformedJsonError extends Error {
  override readonly name = 'MalformedJsonError';
  readonly statusCode = 400;
  readonly code = 'MALFORMED_JSON';

  constructor() {
    super('the request body is not valid JSON');
  }
}

// JSON text is UTF-8 (RFC 8259 §8.1): invalid bytes are malformed, never silently replaced.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Replaces fastify's `application/json` parser (on this instance and its children).
 *
 * @example registerJsonBodyParser(app); // then request.rawBody holds the bytes, request.body the value
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const secureParse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  // Every route takes JSON: a text/plain body is 415 unsupported_media_type, not a string the schema refuses.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const raw = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    request.rawBody = raw;
    // An empty body is "no body": the route's schema decides whether one was required.
    if (raw.length === 0) {
      done(null, undefined);
      return;
    }
    let text: string;
    try {
      text = strictUtf8.decode(raw);
    } catch {
      done(new MalformedJsonError(), undefined);
      return;
    }
    void secureParse(request, text, (error, value) => {
      if (error === null) done(null, value);
      else done(new MalformedJsonError(), undefined);
    });
  });
}
