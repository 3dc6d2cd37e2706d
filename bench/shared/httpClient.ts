import http from 'node:http';

/**
 * A lean HTTP/1.1 client for load generation: `node:http` over one keep-alive agent with a fixed
 * number of sockets (the "connections" of autocannon), no redirects, no decompression, bodies
 * read as text. Cheaper per request than `fetch`, which matters when the load generator shares
 * the machine's two cores with the server and PostgreSQL.
 */
export type HttpAnswer = Readonly<{ status: number; headers: http.IncomingHttpHeaders; body: string }>;

export type HttpClientOptions = Readonly<{
  baseUrl: string;
  /** Sockets kept open to the server; requests beyond this many in flight wait for one. */
  connections: number;
  requestTimeoutMs: number;
}>;

export type HttpClient = Readonly<{
  request: (method: string, path: string, headers: Readonly<Record<string, string>>, body?: string) => Promise<HttpAnswer>;
  close: () => void;
}>;

/**
 * @example
 * const client = createHttpClient({ baseUrl: 'http://127.0.0.1:3211', connections: 50, requestTimeoutMs: 30_000 });
 * const answer = await client.request('POST', '/events', { 'content-type': 'application/json' }, '{"amountMinor":1234}');
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const url = new URL(options.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections, maxFreeSockets: options.connections, scheduling: 'fifo' });
  const request = (method: string, path: string, headers: Readonly<Record<string, string>>, body?: string): Promise<HttpAnswer> =>
    new Promise((resolve, reject) => {
      const outgoing = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          timeout: options.requestTimeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') });
          });
          response.on('error', reject);
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${options.requestTimeoutMs} ms: ${method} ${path}`)));
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  return {
    request,
    close: () => {
      agent.destroy();
    },
  };
}
