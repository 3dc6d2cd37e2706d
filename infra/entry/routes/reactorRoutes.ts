/**
 * `GET /v1/ops/reactors` (roles ops, auditor, operator): the provider reactor's state (running, standby
 * in another process, waiting for its read model), open and due tasks by kind, tasks in flight, what
 * it performed since start by kind and result, failures and the last error.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authConfig, OPERATOR_SECURITY } from '../../../http/authConfig.js';
import { problemSchema } from '../../../schemas/problem.js';
import type { ProviderReactor } from '../../runtime/reactors/providerReactor.js';

const reactorStatusSchema = z.object({
  name: z.literal('provider'),
  state: z.enum(['disabled', 'starting', 'standby', 'running', 'waiting_for_read_model', 'stopped']),
  in_flight: z.number().int().describe('Tasks being performed now'),
  tasks: z
    .object({
      open: z.number().int().describe('Open tasks the reactor still has to finish'),
      due: z.number().int().describe('Open tasks whose time has come'),
      finishedLocally: z.number().int().describe('Tasks the reactor finished that no event closes'),
      byKind: z.record(z.string(), z.number().int()),
    })
    .nullable()
    .describe('null while the provider_tasks read model has no generation yet'),
  performed: z.record(z.string(), z.number().int()).describe('Since this process started, by "<kind>.<recorded|finished|retry>"'),
  failures: z.number().int(),
  last_error: z.string().nullable(),
});

export function registerReactorRoutes(app: FastifyInstance, reactor: ProviderReactor): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/ops/reactors',
    {
      config: authConfig({ staff: ['ops', 'auditor', 'operator'] }),
      schema: {
        operationId: 'getReactorStatus',
        summary: 'Provider reactor status (ops, auditor, operator)',
        tags: ['ops'],
        security: OPERATOR_SECURITY,
        response: { 200: z.object({ data: z.array(reactorStatusSchema) }), 401: problemSchema, 403: problemSchema },
      },
    },
    async () => ({ data: [await reactor.status()] }),
  );
}
