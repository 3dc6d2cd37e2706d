/**
 * Refusals of the SettlementBatch decider: stable codes from a closed union (never rename one).
 * `command/` maps them to problems: `invalid_*` 422, `batch_already_closed` 409,
 * `business_day_not_over` 422.
 */
import { DomainError } from '../shared/index.js';

export type SettlementErrorCode =
  | 'settlement.invalid_id'
  | 'settlement.invalid_provider'
  | 'settlement.invalid_business_date'
  | 'settlement.invalid_timestamp'
  | 'settlement.batch_already_closed'
  | 'settlement.business_day_not_over';

/** @example throw new SettlementError('settlement.batch_already_closed', 'Batch stb_… already closed this day.'); */
export class SettlementError extends DomainError<SettlementErrorCode> {}

export const isSettlementError = (value: unknown): value is SettlementError => value instanceof SettlementError;

/** The HTTP status of each refusal; a `Record`, so the compiler keeps it complete. */
export const settlementErrorStatus: Readonly<Record<SettlementErrorCode, 409 | 422>> = Object.freeze({
  'settlement.invalid_id': 422,
  'settlement.invalid_provider': 422,
  'settlement.invalid_business_date': 422,
  'settlement.invalid_timestamp': 422,
  'settlement.batch_already_closed': 409,
  'settlement.business_day_not_over': 422,
});
