/**
 * The auditor's HTTP surface (role auditor or operator; read-only, across tenants), under `/v1/audit`:
 * - `GET /v1/audit/streams/:stream` — one stream, forwards or backwards from a revision;
 * - `GET /v1/audit/log` — the whole log after a position, filtered by type / stream prefix, cursor-paged;
 * - `GET /v1/audit/verify` — the hash chain of one stream (`stream=`) or of the whole log;
 * - `GET /v1/audit/payment_intents/:id?as_of=` — the intent folded from its stream up to an instant;
 * - `GET /v1/audit/balances?as_of=&merchant_id=|payment_intent_id=` — journal balances folded from the log;
 * - `GET /v1/audit/read_models/digests` — md5 per table of every serving read model, with its log position.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formatPosition, LOG_START, parsePosition } from '../../../domain/eventStore/index.js';
import { authConfig, STAFF_SECURITY } from '../../../http/authConfig.js';
import { sendProblem } from '../../../http/problemDetails.js';
import { renderPaymentIntent } from '../../../schemas/paymentIntentRepresentation.js';
import { problem, problemSchema } from '../../../schemas/problem.js';
import { verifyLog, verifyStream, type VerifyReport } from '../../adapters/eventStore/hashChain.js';
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import type { EventStore } from '../../../domain/eventStore/index.js';
import { balancesAsOf, paymentIntentAsOf, readLogPage, toAuditEvent } from '../audit/auditLog.js';
import { readModelDigests } from '../audit/readModelDigests.js';

export type AuditRouteDependencies = Readonly<{ store: EventStore; client: SqlClient }>;

const positionSchema = z
  .string()
  .regex(/^\d{1,20}:\d{1,20}$/)
  .describe('A log position "commit:prepare" (exclusive)');
const instantSchema = z.iso.datetime({ offset: true }).describe('ISO 8601 instant; events recorded at or before it are folded');
const limitSchema = z.coerce.number().int().min(1).max(1_000).default(100);
const csv = z
  .string()
  .max(2_000)
  .transform((text) => text.split(',').filter((item) => item !== ''))
  .optional();

const eventSchema = z.object({
  position: z.string(),
  stream: z.string(),
  revision: z.number().int(),
  id: z.string(),
  type: z.string(),
  schema_version: z.number().int(),
  data: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
  recorded_at: z.string(),
  prev_hash: z.string(),
  hash: z.string(),
});

const verifySchema = z.object({
  ok: z.boolean(),
  streams_checked: z.number().int(),
  events_checked: z.number().int(),
  first_break: z
    .object({ stream: z.string(), revision: z.number().int(), position: z.string(), event_id: z.string(), reason: z.enum(['revision_gap', 'prev_hash_mismatch', 'hash_mismatch']) })
    .nullable(),
});

const renderVerify = (report: VerifyReport): z.infer<typeof verifySchema> => ({
  ok: report.ok,
  streams_checked: report.streamsChecked,
  events_checked: report.eventsChecked,
  first_break: report.firstBreak === undefined ? null : { ...report.firstBreak, position: formatPosition(report.firstBreak.position), event_id: report.firstBreak.eventId },
});

const balanceSchema = z.object({
  account: z.string(),
  currency: z.string(),
  posted_debits: z.number().int(),
  posted_credits: z.number().int(),
  pending_debits: z.number().int(),
  pending_credits: z.number().int(),
});

const badRequest = (reply: FastifyReply, path: string, message: string): FastifyReply =>
  sendProblem(reply, { ...problem(400, 'validation_error', 'Bad Request', 'the request does not match the schema'), errors: [{ path, message }] });

const config = authConfig({ staff: ['auditor', 'operator'] });
const common = { tags: ['audit'], security: STAFF_SECURITY };

export function registerAuditRoutes(app: FastifyInstance, dependencies: AuditRouteDependencies): void {
  registerLogRoutes(app, dependencies);
  registerAsOfRoutes(app, dependencies);
  registerBalancesAsOfRoute(app, dependencies);
  registerDigestRoute(app, dependencies);
}

/** Streams, the log, verification. */
function registerLogRoutes(app: FastifyInstance, dependencies: AuditRouteDependencies): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const { store } = dependencies;

  typed.get(
    '/v1/audit/streams/:stream',
    {
      config,
      schema: {
        ...common,
        summary: 'Read one stream (auditor)',
        params: z.object({ stream: z.string().min(1).max(200) }),
        querystring: z
          .object({ direction: z.enum(['forwards', 'backwards']).default('forwards'), from_revision: z.coerce.number().int().min(0).optional(), limit: limitSchema })
          .strict(),
        response: { 200: z.object({ stream: z.string(), data: z.array(eventSchema), next_revision: z.number().int().nullable() }), 401: problemSchema, 403: problemSchema },
      },
    },
    async (request) => {
      const { direction, from_revision: fromRevision, limit } = request.query;
      const events = await store.readStream(request.params.stream, fromRevision === undefined ? { direction, maxCount: limit } : { direction, fromRevision, maxCount: limit });
      const last = events.at(-1);
      const next = events.length < limit || last === undefined ? null : direction === 'forwards' ? last.revision + 1 : last.revision - 1;
      return { stream: request.params.stream, data: events.map(toAuditEvent), next_revision: next !== null && next < 0 ? null : next };
    },
  );

  typed.get(
    '/v1/audit/log',
    {
      config,
      schema: {
        ...common,
        summary: 'Read the whole log after a position (auditor)',
        querystring: z
          .object({
            from: positionSchema.optional(),
            limit: limitSchema,
            type: csv.describe('Comma-separated event types'),
            stream_prefix: csv.describe('Comma-separated stream prefixes, e.g. PaymentIntent-'),
          })
          .strict(),
        response: { 200: z.object({ data: z.array(eventSchema), next_from: z.string(), has_more: z.boolean() }), 400: problemSchema, 401: problemSchema, 403: problemSchema },
      },
    },
    async (request) => {
      const { from, limit, type, stream_prefix: prefixes } = request.query;
      const filter =
        (type?.length ?? 0) + (prefixes?.length ?? 0) === 0
          ? undefined
          : { ...(type === undefined ? {} : { eventTypes: type }), ...(prefixes === undefined ? {} : { streamPrefixes: prefixes }) };
      const page = await readLogPage(store, from === undefined ? LOG_START : (parsePosition(from) ?? LOG_START), limit, filter);
      return { data: page.events.map(toAuditEvent), next_from: formatPosition(page.next), has_more: page.hasMore };
    },
  );

  typed.get(
    '/v1/audit/verify',
    {
      config,
      schema: {
        ...common,
        summary: 'Verify the hash chain of one stream or of the whole log (auditor)',
        querystring: z.object({ stream: z.string().min(1).max(200).optional() }).strict(),
        response: { 200: verifySchema, 401: problemSchema, 403: problemSchema },
      },
    },
    async (request) => renderVerify(request.query.stream === undefined ? await verifyLog(store, { pageSize: 5_000 }) : await verifyStream(store, request.query.stream)),
  );
}

/** State as of an instant, folded from the log, and the read-model digests. */
function registerAsOfRoutes(app: FastifyInstance, dependencies: AuditRouteDependencies): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const { store } = dependencies;

  typed.get(
    '/v1/audit/payment_intents/:payment_intent_id',
    {
      config,
      schema: {
        ...common,
        summary: 'A payment intent as of an instant, folded from its stream (auditor)',
        params: z.object({ payment_intent_id: z.string().regex(/^pi_[0-9A-HJKMNP-TV-Z]{26}$/) }),
        querystring: z.object({ as_of: instantSchema }).strict(),
        response: {
          200: z.object({ as_of: z.string(), events_folded: z.number().int(), last_event: eventSchema, payment_intent: z.record(z.string(), z.unknown()) }),
          400: problemSchema,
          401: problemSchema,
          403: problemSchema,
          404: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const instant = new Date(request.query.as_of);
      const { state, eventsFolded, lastEvent } = await paymentIntentAsOf(store, request.params.payment_intent_id, instant);
      if (state.status === 'absent' || lastEvent === undefined) {
        return sendProblem(
          reply,
          problem(404, 'payment_intent.not_found', 'Not Found', `payment intent ${request.params.payment_intent_id} did not exist at ${instant.toISOString()}`),
        );
      }
      return { as_of: instant.toISOString(), events_folded: eventsFolded, last_event: toAuditEvent(lastEvent), payment_intent: renderPaymentIntent(state) };
    },
  );
}

/** Balances as of an instant, folded from the log with the posting rules. */
function registerBalancesAsOfRoute(app: FastifyInstance, dependencies: AuditRouteDependencies): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const { store } = dependencies;
  typed.get(
    '/v1/audit/balances',
    {
      config,
      schema: {
        ...common,
        summary: 'Journal balances as of an instant, folded from the log with the posting rules (auditor)',
        querystring: z
          .object({
            as_of: instantSchema,
            merchant_id: z
              .string()
              .regex(/^mer_[0-9A-HJKMNP-TV-Z]{26}$/)
              .optional(),
            payment_intent_id: z
              .string()
              .regex(/^pi_[0-9A-HJKMNP-TV-Z]{26}$/)
              .optional(),
          })
          .strict(),
        response: {
          200: z.object({ as_of: z.string(), events_folded: z.number().int(), entries: z.number().int(), accounts: z.array(balanceSchema) }),
          400: problemSchema,
          401: problemSchema,
          403: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const { as_of: asOf, merchant_id: merchantId, payment_intent_id: paymentIntentId } = request.query;
      if ((merchantId === undefined) === (paymentIntentId === undefined))
        return badRequest(reply, 'querystring.merchant_id', 'name exactly one of merchant_id and payment_intent_id');
      const instant = new Date(asOf);
      const scope = merchantId !== undefined ? { merchantId } : { paymentIntentId: paymentIntentId ?? '' };
      const result = await balancesAsOf(store, scope, instant);
      return { as_of: instant.toISOString(), events_folded: result.eventsFolded, entries: result.entries, accounts: [...result.accounts] };
    },
  );
}

/** The read-model digests at a log position. */
function registerDigestRoute(app: FastifyInstance, dependencies: AuditRouteDependencies): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/v1/audit/read_models/digests',
    {
      config,
      schema: {
        ...common,
        summary: 'md5 per table of every serving read model, with the log position it is at (auditor)',
        response: {
          200: z.object({
            data: z.array(
              z.object({
                projection: z.string(),
                generation: z.number().int(),
                schema: z.string(),
                position: z.string(),
                tables: z.array(z.object({ table: z.string(), rows: z.number().int(), md5: z.string() })),
              }),
            ),
          }),
          401: problemSchema,
          403: problemSchema,
        },
      },
    },
    async () => ({ data: (await readModelDigests(dependencies.client)).map((digest) => ({ ...digest, tables: [...digest.tables] })) }),
  );
}
