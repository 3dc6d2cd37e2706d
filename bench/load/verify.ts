import pg from 'pg';
import { toPaymentIntentStreamName } from '../../domain/paymentIntent/index.js';
import type { AcknowledgedIntent } from './ledgerFlows.js';

/**
 * "No data loss", checked after the run straight in the bench database: every write the ledger
 * acknowledged must have its events in `ledger_events` (stream `PaymentIntent-<id>`,
 * domain/paymentIntent/index.ts; event types of domain/paymentIntent/events.ts):
 * - a 201 create → `PaymentIntentCreated`;
 * - a 200 cash confirm → `CashPaymentReceived`;
 * - a 200 card confirm → `PaymentAttemptStarted` of the attempt it answered;
 * - a 200 card_result → `PaymentAttemptSucceeded` of that attempt;
 * - each 201 refund → its `RefundRequested` (by refund id when the answer showed it), and at
 *   least as many `RefundRequested` events as refunds acknowledged.
 */
export type Verification = Readonly<{
  intentsChecked: number;
  acknowledged: Readonly<{ creates: number; cashConfirms: number; cardConfirms: number; cardResults: number; refunds: number }>;
  missing: Readonly<{ creates: number; cashConfirms: number; cardConfirms: number; cardResults: number; refunds: number }>;
  /** A few of the missing writes, to look at. */
  examples: readonly string[];
  allAcknowledgedWritesInLog: boolean;
}>;

type EventRow = { stream_name: string; event_type: string; attempt_id: string | null; refund_id: string | null };

const CHUNK = 2_000;
const EXAMPLES_KEPT = 10;

type Found = { created: boolean; cash: boolean; started: Set<string>; succeeded: Set<string>; refunds: Set<string>; refundCount: number };

export async function verifyAcknowledged(databaseUrl: string, acknowledged: ReadonlyMap<string, AcknowledgedIntent>): Promise<Verification> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-load-verify', statement_timeout: 120_000 });
  client.on('error', () => undefined);
  await client.connect();
  const found = new Map<string, Found>();
  try {
    const ids = [...acknowledged.keys()];
    for (let start = 0; start < ids.length; start += CHUNK) {
      const streams = ids.slice(start, start + CHUNK).map(toPaymentIntentStreamName);
      const result = await client.query<EventRow>(
        `SELECT stream_name, event_type, data->>'attemptId' AS attempt_id, data->>'refundId' AS refund_id
           FROM ledger_events
          WHERE stream_name = ANY($1::text[])
            AND event_type = ANY($2::text[])`,
        [streams, ['PaymentIntentCreated', 'CashPaymentReceived', 'PaymentAttemptStarted', 'PaymentAttemptSucceeded', 'RefundRequested']],
      );
      for (const row of result.rows) note(found, row);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  return compare(acknowledged, found);
}

function note(found: Map<string, Found>, row: EventRow): void {
  let entry = found.get(row.stream_name);
  if (entry === undefined) {
    entry = { created: false, cash: false, started: new Set(), succeeded: new Set(), refunds: new Set(), refundCount: 0 };
    found.set(row.stream_name, entry);
  }
  switch (row.event_type) {
    case 'PaymentIntentCreated':
      entry.created = true;
      return;
    case 'CashPaymentReceived':
      entry.cash = true;
      return;
    case 'PaymentAttemptStarted':
      if (row.attempt_id !== null) entry.started.add(row.attempt_id);
      return;
    case 'PaymentAttemptSucceeded':
      if (row.attempt_id !== null) entry.succeeded.add(row.attempt_id);
      return;
    case 'RefundRequested':
      entry.refundCount += 1;
      if (row.refund_id !== null) entry.refunds.add(row.refund_id);
      return;
    default:
      return;
  }
}

function compare(acknowledged: ReadonlyMap<string, AcknowledgedIntent>, found: ReadonlyMap<string, Found>): Verification {
  const acked = { creates: 0, cashConfirms: 0, cardConfirms: 0, cardResults: 0, refunds: 0 };
  const missing = { creates: 0, cashConfirms: 0, cardConfirms: 0, cardResults: 0, refunds: 0 };
  const examples: string[] = [];
  const miss = (what: keyof typeof missing, detail: string): void => {
    missing[what] += 1;
    if (examples.length < EXAMPLES_KEPT) examples.push(detail);
  };
  for (const [id, intent] of acknowledged) {
    const entry = found.get(toPaymentIntentStreamName(id));
    acked.creates += 1;
    if (entry?.created !== true) miss('creates', `${id}: no PaymentIntentCreated`);
    if (intent.cashReceived) {
      acked.cashConfirms += 1;
      if (entry?.cash !== true) miss('cashConfirms', `${id}: no CashPaymentReceived`);
    }
    if (intent.cardAttempt !== null) {
      acked.cardConfirms += 1;
      if (entry?.started.has(intent.cardAttempt) !== true) miss('cardConfirms', `${id}: no PaymentAttemptStarted ${intent.cardAttempt}`);
      if (intent.cardSucceeded) {
        acked.cardResults += 1;
        if (entry?.succeeded.has(intent.cardAttempt) !== true) miss('cardResults', `${id}: no PaymentAttemptSucceeded ${intent.cardAttempt}`);
      }
    }
    acked.refunds += intent.refunds.length;
    let missedById = 0;
    for (const refundId of intent.refunds) {
      if (refundId === null || entry?.refunds.has(refundId) === true) continue;
      missedById += 1;
      miss('refunds', `${id}: no RefundRequested ${refundId}`);
    }
    // Refunds whose answer showed no id are checked by count.
    const unexplained = intent.refunds.length - (entry?.refundCount ?? 0) - missedById;
    for (let count = 0; count < unexplained; count += 1) miss('refunds', `${id}: fewer RefundRequested than refunds acknowledged`);
  }
  const total = Object.values(missing).reduce((sum, count) => sum + count, 0);
  return { intentsChecked: acknowledged.size, acknowledged: acked, missing, examples, allAcknowledgedWritesInLog: total === 0 };
}
