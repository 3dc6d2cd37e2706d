/**
 * Refusals of the SettlementBatch decider: stable codes from a closed union (never rename one).
 * Their HTTP statuses are in the one error→status table at the edge (command/http/domainProblems.ts).
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
