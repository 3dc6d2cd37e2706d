/**
 * SettlementBatch: the close (締め) of one merchant's takings with one provider for one business
 * day, payments.md §5.2. One stream per merchant × provider × business date
 * (`toSettlementBatchStreamName`), so "close once" is atomic on the event store, with no read model
 * involved: the write side never decides from a read model.
 *
 * Statuses: open (no event) → closed (`SettlementBatchClosed`, final).
 *
 * The totals are not part of the event: they are the settlement projection's, which freezes a
 * snapshot of the day's totals at the close's place in the log and reports anything projected for
 * the day afterwards as adjustments after close.
 */
import { isBusinessDate, latestBusinessDateAnywhere } from '../businessDay/index.js';
import { isClientPartnerId, isMerchantId, isProviderCode, type ProviderCode } from '../tenancy/index.js';
import type { Decider } from '../shared/index.js';
import { isIsoInstant } from '../shared/index.js';
import { SettlementError } from './errors.js';

const batchIdPattern = /^stb_[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/** A settlement batch id: `stb_` + ULID. */
export const isSettlementBatchId = (value: string): boolean => batchIdPattern.test(value);

/**
 * The IANA zone furthest ahead of UTC (UTC+14, Line Islands; POSIX signs are inverted). No store's
 * business date is ever later than the calendar date there: a cut-off only moves a day later.
 */
export const EARLIEST_TIME_ZONE = 'Etc/GMT-14';

/** Every SettlementBatch stream name starts with it: the one definition. */
export const SETTLEMENT_BATCH_STREAM_PREFIX = 'SettlementBatch-';

/** @example toSettlementBatchStreamName('mer_01…', 'paypay', '2025-06-01') === 'SettlementBatch-mer_01…-paypay-2025-06-01' */
export const toSettlementBatchStreamName = (merchantId: string, provider: string, businessDate: string): string =>
  `${SETTLEMENT_BATCH_STREAM_PREFIX}${merchantId}-${provider}-${businessDate}`;

export type CloseSettlementBatch = Readonly<{
  type: 'CloseSettlementBatch';
  data: Readonly<{
    batchId: string;
    clientPartnerId: string;
    merchantId: string;
    /** `card` (the acquirer) or a QR provider; cash is not settled. */
    provider: ProviderCode;
    businessDate: string;
    now: string;
  }>;
}>;

export type SettlementBatchCommand = CloseSettlementBatch;

export type SettlementBatchClosed = Readonly<{
  type: 'SettlementBatchClosed';
  data: Readonly<{
    batchId: string;
    clientPartnerId: string;
    merchantId: string;
    provider: ProviderCode;
    businessDate: string;
    closedAt: string;
  }>;
}>;

export type SettlementBatchEvent = SettlementBatchClosed;

export const settlementBatchEventTypes: readonly SettlementBatchEvent['type'][] = Object.freeze(['SettlementBatchClosed']);

export type SettlementBatchState = Readonly<{ status: 'open' }> | Readonly<{ status: 'closed' } & SettlementBatchClosed['data']>;

export const initialSettlementBatchState = (): SettlementBatchState => ({ status: 'open' });

export function evolveSettlementBatch(state: SettlementBatchState, event: SettlementBatchEvent): SettlementBatchState {
  switch (event.type) {
    case 'SettlementBatchClosed':
      return state.status === 'closed' ? state : { status: 'closed', ...event.data };
  }
}

function requireWellFormed(data: CloseSettlementBatch['data']): void {
  if (!isSettlementBatchId(data.batchId) || !isClientPartnerId(data.clientPartnerId) || !isMerchantId(data.merchantId)) {
    throw new SettlementError('settlement.invalid_id', 'batchId is stb_, clientPartnerId cp_ and merchantId mer_, each followed by a ULID.');
  }
  if (!isProviderCode(data.provider)) {
    throw new SettlementError('settlement.invalid_provider', `${String(data.provider)} is not a provider that settles (cash is not settled).`);
  }
  if (!isBusinessDate(data.businessDate)) {
    throw new SettlementError('settlement.invalid_business_date', `${data.businessDate} is not a calendar date (YYYY-MM-DD).`);
  }
  if (!isIsoInstant(data.now)) throw new SettlementError('settlement.invalid_timestamp', 'now must be a canonical ISO-8601 UTC instant.');
}

/**
 * Closes the batch. Guards, in order: well-formed ids, provider, date and instant → not already
 * closed (409 `batch_already_closed`; a retry of the same request is answered by its
 * Idempotency-Key before it gets here) → the business day has begun somewhere on Earth (422
 * `business_day_not_over` when `businessDate` is later than the calendar date of `now` in UTC+14).
 *
 * Why that looser rule is safe: the exact rule ("the day is over at every store of the merchant,
 * each by its own time zone and cut-off") would have the write side fold every store of the
 * merchant, and a store's schedule can still change. Closing early loses nothing: the close
 * freezes a snapshot of the day's totals at its place in the log, and every sale or refund the
 * projection places on that day later in the log still updates the live totals and shows as
 * `adjustments_after_close` (live − snapshot) — as a late card void shows on an acquirer's next
 * statement. The rule only refuses a date on which no sale can have happened yet, anywhere.
 */
export function closeSettlementBatch(command: CloseSettlementBatch, state: SettlementBatchState): SettlementBatchEvent[] {
  const { data } = command;
  requireWellFormed(data);
  if (state.status === 'closed') {
    throw new SettlementError('settlement.batch_already_closed', `The ${state.provider} batch of ${state.businessDate} was closed at ${state.closedAt} as ${state.batchId}.`);
  }
  if (data.businessDate > latestBusinessDateAnywhere(data.now)) {
    throw new SettlementError('settlement.business_day_not_over', `Business day ${data.businessDate} has not begun anywhere yet.`);
  }
  const { batchId, clientPartnerId, merchantId, provider, businessDate: date, now } = data;
  return [{ type: 'SettlementBatchClosed', data: { batchId, clientPartnerId, merchantId, provider, businessDate: date, closedAt: now } }];
}

export const decideSettlementBatch = (command: SettlementBatchCommand, state: SettlementBatchState): SettlementBatchEvent[] => closeSettlementBatch(command, state);

export const settlementBatchDecider: Decider<SettlementBatchCommand, SettlementBatchEvent, SettlementBatchState> = Object.freeze({
  decide: decideSettlementBatch,
  evolve: evolveSettlementBatch,
  initialState: initialSettlementBatchState,
});
