/**
 * The auditor's reads of the system of record (ARCHITECTURE.md §1, §4): events as stored, with
 * position, revision and hash-chain links; pages of one stream or of the whole log; and the state
 * of a payment intent or the balances of accounts **as of an instant**, folded from the log with
 * the domain's `evolve` and the journal's posting rules — never read from a read model.
 */
import type { EventFilter, EventStore, LogPosition, RecordedEvent } from '../../../domain/eventStore/index.js';
import { comparePositions, formatPosition, LOG_START } from '../../../domain/eventStore/index.js';
import { evolve, initialState, toPaymentIntentStreamName, type PaymentIntent } from '../../../domain/paymentIntent/index.js';
import { journalFor, type Hold } from '../../../projections/journal/index.js';
import { PAYMENT_INTENT_STREAM_PREFIX } from '../../../domain/paymentIntent/index.js';
import { toSourceEvent } from '../../../projections/integration/index.js';
import { TENANCY_REFERENCE_STREAM_PREFIXES, TenancyReference } from '../../../projections/tenancyReference/index.js';

/** An event as an auditor sees it (snake_case, position as `"commit:prepare"`). */
export type AuditEvent = Readonly<{
  position: string;
  stream: string;
  revision: number;
  id: string;
  type: string;
  schema_version: number;
  data: RecordedEvent['data'];
  metadata: RecordedEvent['metadata'];
  recorded_at: string;
  prev_hash: string;
  hash: string;
}>;

export const toAuditEvent = (event: RecordedEvent): AuditEvent => ({
  position: formatPosition(event.position),
  stream: event.stream,
  revision: event.revision,
  id: event.id,
  type: event.type,
  schema_version: event.schemaVersion,
  data: event.data,
  metadata: event.metadata,
  recorded_at: event.recordedAt,
  prev_hash: event.prevHash,
  hash: event.hash,
});

export type LogPage = Readonly<{ events: readonly RecordedEvent[]; next: LogPosition; hasMore: boolean }>;

/** Up to `limit` matching events after `from`; `next` resumes after what was scanned (matching or not). */
export async function readLogPage(store: EventStore, from: LogPosition, limit: number, filter: EventFilter | undefined): Promise<LogPage> {
  const head = await store.headPosition();
  const events: RecordedEvent[] = [];
  let position = from;
  // A filtered read may scan pages with no match: keep scanning until the page is full or the head is reached.
  while (events.length < limit && comparePositions(position, head) < 0) {
    const page = await store.readAll(filter === undefined ? { from: position, maxCount: limit - events.length } : { from: position, maxCount: limit - events.length, filter });
    events.push(...page.events);
    if (comparePositions(page.checkpoint, position) === 0) break;
    position = page.checkpoint;
  }
  return { events, next: position, hasMore: comparePositions(position, head) < 0 };
}

/**
 * Calls `visit` with every event of the log matching `filter`, in position order, page by page,
 * up to the head at the start of the walk.
 */
export async function walkLog(
  store: EventStore,
  filter: EventFilter | undefined,
  visit: (events: readonly RecordedEvent[]) => void | Promise<void>,
  pageSize = 5_000,
): Promise<LogPosition> {
  const head = await store.headPosition();
  let position = LOG_START;
  while (comparePositions(position, head) < 0) {
    const page = await store.readAll(filter === undefined ? { from: position, maxCount: pageSize } : { from: position, maxCount: pageSize, filter });
    const inRange = page.events.filter((event) => comparePositions(event.position, head) <= 0);
    if (inRange.length > 0) await visit(inRange);
    if (comparePositions(page.checkpoint, position) === 0) break;
    position = page.checkpoint;
  }
  return head;
}

const recordedBy = (event: RecordedEvent, instant: Date): boolean => Date.parse(event.recordedAt) <= instant.getTime();

export type IntentAsOf = Readonly<{ state: PaymentIntent; eventsFolded: number; lastEvent: RecordedEvent | undefined }>;

/** A payment intent folded from its stream's events recorded at or before `instant` (decoded like the projectors do). */
export async function paymentIntentAsOf(store: EventStore, paymentIntentId: string, instant: Date): Promise<IntentAsOf> {
  const stream = toPaymentIntentStreamName(paymentIntentId);
  let state = initialState();
  let eventsFolded = 0;
  let lastEvent: RecordedEvent | undefined;
  for (let revision = 0; ;) {
    const page = await store.readStream(stream, { fromRevision: revision, maxCount: 1_000 });
    for (const recorded of page) {
      if (!recordedBy(recorded, instant)) return { state, eventsFolded, lastEvent };
      const source = toSourceEvent(recorded);
      if (source === undefined) continue;
      state = evolve(state, source.event);
      eventsFolded += 1;
      lastEvent = recorded;
    }
    if (page.length < 1_000) return { state, eventsFolded, lastEvent };
    revision += page.length;
  }
}

export type AccountBalance = {
  account: string;
  currency: string;
  posted_debits: number;
  posted_credits: number;
  pending_debits: number;
  pending_credits: number;
};

export type BalancesAsOf = Readonly<{ accounts: readonly AccountBalance[]; eventsFolded: number; entries: number }>;

export type BalanceScope = Readonly<{ merchantId: string } | { paymentIntentId: string }>;

/**
 * The journal accounts of one merchant or one intent as of `instant`: the posting rules
 * (`journalFor`, pure) run over the payment events recorded at or before it, in log order, with
 * the stores' business days and fees observed from the tenancy events up to the same point.
 */
export async function balancesAsOf(store: EventStore, scope: BalanceScope, instant: Date): Promise<BalancesAsOf> {
  const reference = TenancyReference.empty();
  const holds = new Map<string, Hold>();
  const balances = new Map<string, AccountBalance>();
  let eventsFolded = 0;
  let entries = 0;
  const streamPrefix = 'paymentIntentId' in scope ? toPaymentIntentStreamName(scope.paymentIntentId) : PAYMENT_INTENT_STREAM_PREFIX;
  const filter = { streamPrefixes: [streamPrefix, ...TENANCY_REFERENCE_STREAM_PREFIXES] };
  await walkLog(store, filter, (events) => {
    for (const recorded of events) {
      if (!recordedBy(recorded, instant)) continue;
      reference.observe(recorded);
      const source = toSourceEvent(recorded);
      if (source === undefined) continue;
      const { storeId, occurredAt } = source.event.data;
      const result = journalFor({
        eventId: recorded.id,
        event: source.event,
        businessDate: reference.businessDate(storeId, occurredAt),
        feesFor: (providerCode) => reference.fees(storeId, providerCode),
        holdOf: (holdKey) => holds.get(holdKey),
      });
      for (const hold of result.holds) holds.set(hold.holdKey, hold);
      eventsFolded += 1;
      const mine = result.entries.filter((entry) => ('merchantId' in scope ? entry.merchantId === scope.merchantId : entry.paymentIntentId === scope.paymentIntentId));
      entries += mine.length;
      for (const posting of mine.flatMap((entry) => entry.postings)) addPosting(balances, posting);
    }
  });
  const accounts = [...balances.values()].sort((a, b) => (a.account === b.account ? a.currency.localeCompare(b.currency) : a.account < b.account ? -1 : 1));
  return { accounts, eventsFolded, entries };
}

type PostingLike = Readonly<{
  account: Readonly<{ path: string }>;
  currency: string;
  direction: 'debit' | 'credit';
  amountMinor: number;
  effect: 'posted' | 'pending' | 'pending_released';
}>;

function addPosting(balances: Map<string, AccountBalance>, posting: PostingLike): void {
  const key = `${posting.account.path}|${posting.currency}`;
  const balance = balances.get(key) ?? { account: posting.account.path, currency: posting.currency, posted_debits: 0, posted_credits: 0, pending_debits: 0, pending_credits: 0 };
  balances.set(key, balance);
  const sign = posting.effect === 'pending_released' ? -1 : 1;
  const amount = sign * posting.amountMinor;
  if (posting.effect === 'posted') {
    if (posting.direction === 'debit') balance.posted_debits += amount;
    else balance.posted_credits += amount;
  } else if (posting.direction === 'debit') balance.pending_debits += amount;
  else balance.pending_credits += amount;
}
