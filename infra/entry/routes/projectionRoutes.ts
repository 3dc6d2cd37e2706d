/**
 * Ops routes of the projection runtime. Reading the status takes role ops, auditor or operator;
 * the actions take role operator (a staff credential or the bootstrap `X-Operator-Secret`):
 * - `GET  /v1/ops/projections` — per projection: state, serving generation (checkpoint, events and
 *   seconds behind, events/s), a rebuild under way, lag p50/p99, last error, parked events;
 * - `POST /v1/ops/projections/:name/rebuild` — rebuild into a new generation; the current one keeps
 *   serving until the new one has caught up;
 * - `POST /v1/ops/projections/:name/parked/retry` — apply the parked event again (after a fix);
 * - `POST /v1/ops/projections/:name/parked/:event_id/skip` — move past it without applying it
 *   (recorded as skipped; the read model then lacks that event, so use with care).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problem, problemSchema } from '../../../schemas/problem.js';
import type { ProjectionRuntime } from '../../runtime/projections/projectionRuntime.js';
import { ProjectionNotActiveError, UnknownProjectionError } from '../../runtime/projections/projectionRuntime.js';
import { sendProblem } from '../../../http/problemDetails.js';
import { authConfig, OPERATOR_SECURITY } from '../../../http/authConfig.js';

const progressSchema = z.object({
  generation: z.number().int(),
  version: z.number().int(),
  state: z.string().describe('catching_up | running | stalled | parked | stopped | failed | frozen (older code; serving until its rebuild switches over) | not_running_here'),
  checkpoint: z.string().describe('Log position "commit:prepare" applied up to'),
  events_behind: z.number().int().describe('Events of interest to this projection committed after the checkpoint'),
  seconds_behind: z.number().describe('Age of the oldest event not yet applied (0 when caught up)'),
  events_per_second: z.number(),
  events_applied: z.number().int(),
});

const statusSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  state: z.enum(['starting', 'standby', 'catching_up', 'running', 'rebuilding', 'stalled', 'parked', 'restarting', 'failed', 'stopped']),
  serving: progressSchema.nullable(),
  rebuild: progressSchema.nullable(),
  lag_ms: z.object({ p50: z.number(), p99: z.number(), samples: z.number().int() }).nullable().describe('Append-to-read-model time of events applied while live (this process)'),
  last_error: z.object({ message: z.string(), at: z.string() }).nullable(),
  parked_events: z.array(
    z.object({
      generation: z.number().int(),
      event_id: z.string(),
      position: z.string(),
      stream_name: z.string(),
      event_type: z.string(),
      error: z.string(),
      attempts: z.number().int(),
      parked_at: z.string(),
    }),
  ),
});

const nameParams = z.object({ name: z.string().regex(/^[a-z][a-z0-9_]{0,29}$/) });

const readConfig = authConfig({ staff: ['ops', 'auditor', 'operator'] });
const config = authConfig({ staff: ['operator'] });
const security = OPERATOR_SECURITY;
const unknown = (name: string) => problem(404, 'projection.not_found', 'Not Found', `no projection named ${name}`);

export function registerProjectionRoutes(app: FastifyInstance, projections: ProjectionRuntime): void {
  registerStatusAndRebuild(app, projections);
  registerParkedActions(app, projections);
}

/** Status (read roles) and rebuild (operator). */
function registerStatusAndRebuild(app: FastifyInstance, projections: ProjectionRuntime): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/v1/ops/projections',
    {
      config: readConfig,
      schema: {
        summary: 'Projection status (ops, auditor, operator)',
        tags: ['ops'],
        security,
        response: { 200: z.object({ data: z.array(statusSchema) }), 401: problemSchema, 403: problemSchema },
      },
    },
    async () => {
      const data = await projections.status();
      return { data: data.map((status) => ({ ...status, parked_events: [...status.parked_events] })) };
    },
  );

  typed.post(
    '/v1/ops/projections/:name/rebuild',
    {
      config,
      schema: {
        summary: 'Rebuild a projection into a new generation (operator)',
        tags: ['ops'],
        security,
        params: nameParams,
        response: { 202: z.object({ name: z.string(), generation: z.number().int() }), 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      try {
        const { generation } = await projections.rebuild(name);
        return await reply.code(202).send({ name, generation });
      } catch (error) {
        if (error instanceof UnknownProjectionError) return sendProblem(reply, unknown(name));
        if (error instanceof ProjectionNotActiveError)
          return sendProblem(reply, problem(409, 'projection.not_active_here', 'Conflict', `${error.message}; send the request to the instance that runs it`));
        throw error;
      }
    },
  );
}

/** Retry or skip a parked event (operator). */
function registerParkedActions(app: FastifyInstance, projections: ProjectionRuntime): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.post(
    '/v1/ops/projections/:name/parked/retry',
    {
      config,
      schema: {
        summary: 'Retry the parked event of a projection (operator)',
        tags: ['ops'],
        security,
        params: nameParams,
        response: { 202: z.object({ name: z.string() }), 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      if (!projections.names.includes(name)) return sendProblem(reply, unknown(name));
      if (!projections.retryParked(name)) return sendProblem(reply, problem(409, 'projection.nothing_parked', 'Conflict', `projection ${name} has no parked event here`));
      return reply.code(202).send({ name });
    },
  );

  typed.post(
    '/v1/ops/projections/:name/parked/:event_id/skip',
    {
      config,
      schema: {
        summary: 'Skip the parked event of a projection (operator)',
        tags: ['ops'],
        security,
        params: nameParams.extend({ event_id: z.uuid() }),
        response: { 202: z.object({ name: z.string(), event_id: z.string() }), 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const { name, event_id: eventId } = request.params;
      if (!projections.names.includes(name)) return sendProblem(reply, unknown(name));
      if (!projections.skipParked(name, eventId))
        return sendProblem(reply, problem(409, 'projection.not_parked', 'Conflict', `event ${eventId} is not parked in projection ${name} here`));
      return reply.code(202).send({ name, event_id: eventId });
    },
  );
}
