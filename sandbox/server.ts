/**
 * The provider sandbox's HTTP server: PayPay's API (paypayApi.ts) and the drive API (driveRoutes.ts)
 * over one in-memory state. JSON bodies are kept as the exact bytes received, because the OPA-Auth
 * MAC is computed over them.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { registerDriveRoutes } from './driveRoutes.js';
import { createFaultBook } from './faults.js';
import { registerLinePayApi } from './linePayApi.js';
import { registerPaypayApi } from './paypayApi.js';
import type { SandboxCredential, SandboxSettings, SandboxState } from './sandboxState.js';
import { createWebhookSender } from './webhooks.js';

export type SandboxServerOptions = Readonly<{
  settings: SandboxSettings;
  webhookUrl: string | undefined;
  credentials: ReadonlyArray<readonly [apiKey: string, credential: SandboxCredential]>;
  faultSeed?: number;
  faultRate?: number;
  log: (message: string, details: Record<string, unknown>) => void;
}>;

export function createSandboxServer(options: SandboxServerOptions): Readonly<{ app: FastifyInstance; state: SandboxState }> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    const raw = typeof text === 'string' ? text : text.toString('utf8');
    request.opaBody = raw;
    if (raw === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(raw));
    } catch {
      done(Object.assign(new Error('The body is not JSON.'), { statusCode: 400 }), undefined);
    }
  });
  const faults = createFaultBook({
    ...(options.faultSeed === undefined ? {} : { seed: options.faultSeed }),
    ...(options.faultRate === undefined ? {} : { rate: options.faultRate }),
  });
  const state: SandboxState = {
    settings: options.settings,
    credentials: new Map(options.credentials),
    payments: new Map(),
    codes: new Map(),
    calls: new Map(),
    faults,
    webhooks: createWebhookSender(faults, options.webhookUrl, options.log),
    nowS: () => Math.floor(Date.now() / 1000),
  };
  registerPaypayApi(app, state);
  registerLinePayApi(app, state);
  registerDriveRoutes(app, state);
  app.setErrorHandler((error: { statusCode?: number; message?: string }, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    void reply.code(status).send({ resultInfo: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'INVALID_PARAMS', message: error.message ?? 'error', codeId: '08100998' } });
  });
  return { app, state };
}
