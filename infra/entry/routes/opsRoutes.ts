/**
 * The ops surface (docs/ops.md):
 * - `GET /metrics` — Prometheus text format, for a staff credential of role ops or operator
 *   (`Authorization: Bearer stf_…`, what Prometheus' `authorization` scrape setting sends, or the
 *   bootstrap `X-Operator-Secret`), or from a loopback peer without one when
 *   LEDGER_METRICS_ACCESS=loopback;
 * - `GET /v1/ops/overview` — everything the /ops page shows, as JSON (ops, auditor, operator);
 * - `GET /v1/ops/stuck_payments?older_than_seconds=` — attempts processing longer than that;
 * - `GET /ops` — the page (plain HTML, a small script and uPlot from node_modules); it signs in
 *   with the credential and reads the JSON routes, so the page itself holds nothing secret.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LedgerMetrics } from '../../adapters/observability/metrics.js';
import { problemSchema } from '../../../schemas/problem.js';
import { sendProblem } from '../../../http/problemDetails.js';
import type { OpsOverview } from '../ops/overview.js';
import type { StuckPayments } from '../../runtime/diagnostics/stuckPayments.js';
import { authConfig, OPERATOR_SECURITY } from '../../../http/authConfig.js';
import type { StaffRole } from '../../../http/principal.js';
import { problem } from '../../../schemas/problem.js';

export type MetricsAccess = 'staff' | 'loopback';

export type OpsRouteDependencies = Readonly<{
  metrics: LedgerMetrics;
  metricsAccess: MetricsAccess;
  overview: () => Promise<OpsOverview>;
  stuckPayments: (thresholdSeconds?: number) => Promise<StuckPayments | null>;
}>;

/** The roles that read the ops surface; only operator acts (the projection routes). */
const OPS_READERS: readonly StaffRole[] = ['ops', 'auditor', 'operator'];

const staffRoleOf = (request: FastifyRequest): StaffRole | undefined => (request.principal?.kind === 'staff' ? request.principal.role : undefined);

const staffRequired = () =>
  problem(401, 'authentication_required', 'Unauthorized', 'send a staff credential of role ops or operator (Authorization: Bearer stf_…) or X-Operator-Secret');

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const pageAsset = (name: string): string => readFileSync(new URL(`../ops/${name}`, import.meta.url), 'utf8');
const require = createRequire(import.meta.url);
const uplotAsset = (file: string): string => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');

const PAGE_SECURITY = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const overviewSchema = z.looseObject({
  generated_at: z.string(),
  projections: z.array(z.looseObject({ name: z.string(), state: z.string() })).readonly(),
  relay: z.looseObject({ name: z.string(), state: z.string(), backlogEvents: z.number(), secondsBehind: z.number() }),
  log_horizon: z.looseObject({ horizon: z.string(), hidden_events: z.number(), held_back_by: z.array(z.looseObject({ pid: z.number() })).readonly() }).nullable(),
  stuck_payments: z.looseObject({ threshold_seconds: z.number(), total: z.number(), groups: z.array(z.looseObject({})).readonly() }).nullable(),
  requests: z.looseObject({ requests_per_second: z.number() }),
  pool: z.object({ total: z.number(), idle: z.number(), waiting: z.number() }).nullable(),
  role: z.enum(['operator', 'auditor', 'ops']),
});

export function registerOpsRoutes(app: FastifyInstance, dependencies: OpsRouteDependencies): void {
  const { metrics } = dependencies;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const config = authConfig({ staff: OPS_READERS });
  const security = OPERATOR_SECURITY;

  // `public` + staff: a credential, when sent, is verified by the auth hook; without one, only the loopback mode lets a scrape through.
  app.get('/metrics', { config: authConfig('public', { staff: ['ops', 'operator'] }), schema: { hide: true } }, async (request: FastifyRequest, reply: FastifyReply) => {
    const open = dependencies.metricsAccess === 'loopback' && LOOPBACK.has(request.socket.remoteAddress ?? '');
    if (!open && staffRoleOf(request) === undefined) return sendProblem(reply, staffRequired());
    const { contentType, body } = await metrics.exposition();
    return reply.type(contentType).header('cache-control', 'no-store').send(body);
  });

  typed.get(
    '/v1/ops/overview',
    {
      config,
      schema: {
        summary: 'Everything the /ops page shows (ops, auditor, operator)',
        tags: ['ops'],
        security,
        response: { 200: overviewSchema, 401: problemSchema, 403: problemSchema },
      },
    },
    async (request, reply) => {
      const role = staffRoleOf(request);
      if (role === undefined || role === 'merchant_reader') return sendProblem(reply, staffRequired());
      void reply.header('cache-control', 'no-store');
      return { ...(await dependencies.overview()), role };
    },
  );

  typed.get(
    '/v1/ops/stuck_payments',
    {
      config,
      schema: {
        summary: 'Payment attempts processing (outcome pending or unknown) longer than a threshold, by provider and store (ops, auditor, operator)',
        tags: ['ops'],
        security,
        querystring: z
          .object({
            older_than_seconds: z.coerce
              .number()
              .int()
              .min(0)
              .max(30 * 86_400)
              .optional(),
          })
          .strict(),
        response: {
          200: z.looseObject({ threshold_seconds: z.number(), total: z.number(), groups: z.array(z.looseObject({})).readonly() }).nullable(),
          401: problemSchema,
          403: problemSchema,
        },
      },
    },
    async (request) => dependencies.stuckPayments(request.query.older_than_seconds),
  );

  registerPage(app);
}

function registerPage(app: FastifyInstance): void {
  const assets: Readonly<Record<string, Readonly<{ type: string; body: string }>>> = {
    '/ops': { type: 'text/html; charset=utf-8', body: pageAsset('page.html') },
    '/ops/page.js': { type: 'text/javascript; charset=utf-8', body: pageAsset('page.js') },
    '/ops/page.css': { type: 'text/css; charset=utf-8', body: pageAsset('page.css') },
    '/ops/uplot.js': { type: 'text/javascript; charset=utf-8', body: uplotAsset('uPlot.iife.min.js') },
    '/ops/uplot.css': { type: 'text/css; charset=utf-8', body: uplotAsset('uPlot.min.css') },
  };
  for (const [path, asset] of Object.entries(assets)) {
    app.get(path, { schema: { hide: true } }, (_request, reply) =>
      reply.type(asset.type).header('content-security-policy', PAGE_SECURITY).header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache').send(asset.body),
    );
  }
}
