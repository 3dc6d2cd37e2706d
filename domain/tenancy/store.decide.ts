/**
 * Decisions for the Store stream: guard clauses in precedence order (payload, existence, state,
 * cross-aggregate facts); a command whose outcome is already in the state decides `[]`.
 *
 * Cross-aggregate facts arrive in the command: OpenStore carries `merchantStatus`, which the
 * command handler reads from the Merchant stream.
 */
import {
  BUSINESS_DAY_PERIODS_MAX,
  businessDate,
  isBusinessDate,
  isValidCutoffMinutes,
  isValidTimeZone,
  sameSchedule,
  scheduleChange,
  storeBusinessDate,
} from '../businessDay/index.js';
import { unknownCommand, type Decider } from './decider.js';
import { assert } from '../shared/domainError.js';
import { TenancyError } from './errors.js';
import type { MerchantId, StoreId } from './ids.js';
import type { MerchantStatus } from './merchant.js';
import { evolveStore, initialStoreState, type ExistingStore, type StoreEvent, type StoreState } from './store.js';
import { assertNow, requireName, requireReason } from './validation.js';

////////// Commands

export type OpenStore = {
  readonly type: 'OpenStore';
  readonly data: {
    readonly storeId: StoreId;
    readonly merchantId: MerchantId;
    readonly name: string;
    /** IANA time zone, e.g. 'Asia/Tokyo'. */
    readonly timeZone: string;
    /** Minutes after local midnight at which the business day starts, 0..1439 (240 = 04:00). */
    readonly cutoffMinutes: number;
    /** Fact: the status of the merchant stream, as loaded by the command handler. */
    readonly merchantStatus: MerchantStatus;
    readonly now: string;
  };
};

export type ChangeStoreBusinessDay = {
  readonly type: 'ChangeStoreBusinessDay';
  readonly data: {
    readonly storeId: StoreId;
    readonly timeZone: string;
    readonly cutoffMinutes: number;
    /** 'YYYY-MM-DD'; must not have started yet under either the current or the new settings. */
    readonly effectiveFromBusinessDate: string;
    readonly now: string;
  };
};

export type CloseStore = {
  readonly type: 'CloseStore';
  readonly data: { readonly storeId: StoreId; readonly reason: string; readonly now: string };
};

export type StoreCommand = OpenStore | ChangeStoreBusinessDay | CloseStore;

////////// Guards

function requireBusinessDaySettings(timeZone: string, cutoffMinutes: number): void {
  if (!isValidTimeZone(timeZone)) {
    throw new TenancyError('tenancy.invalid_time_zone', 'The time zone must be an IANA name such as Asia/Tokyo.');
  }
  if (!isValidCutoffMinutes(cutoffMinutes)) {
    throw new TenancyError('tenancy.invalid_cutoff', 'The cut-off must be an integer number of minutes in 0..1439.');
  }
}

function existing(state: StoreState, storeId: StoreId): ExistingStore {
  if (state.status === 'not_opened') {
    throw new TenancyError('tenancy.store_not_found', `Store ${storeId} does not exist.`);
  }
  assert(state.storeId === storeId, 'A store command was routed to another stream.');
  return state;
}

////////// Decisions

export function openStore(command: OpenStore, state: StoreState): StoreEvent[] {
  const { storeId, merchantId, name, timeZone, cutoffMinutes, merchantStatus, now } = command.data;
  requireName(name, 'store name');
  requireBusinessDaySettings(timeZone, cutoffMinutes);
  if (state.status !== 'not_opened') {
    assert(state.storeId === storeId, 'A store command was routed to another stream.');
    const opening = state.businessDaySchedule[0];
    const same = state.merchantId === merchantId && state.name === name && opening.timeZone === timeZone && opening.cutoffMinutes === cutoffMinutes;
    if (same) return [];
    throw new TenancyError('tenancy.store_already_opened', `Store ${storeId} is already open with other details.`);
  }
  if (merchantStatus !== 'active') {
    throw new TenancyError('tenancy.merchant_not_active', `Merchant ${merchantId} is ${merchantStatus}; only an active merchant opens stores.`);
  }
  const firstBusinessDate = businessDate(now, timeZone, cutoffMinutes);
  return [
    {
      type: 'StoreOpened',
      data: { storeId, merchantId, name, timeZone, cutoffMinutes, firstBusinessDate, openedAt: now },
    },
  ];
}

/**
 * The change must leave every business date already begun untouched: the effective date must be
 * after today's business date under the current schedule, and the new settings must not already
 * have reached it. A pending change on or after the new date is superseded.
 */
export function changeStoreBusinessDay(command: ChangeStoreBusinessDay, state: StoreState): StoreEvent[] {
  const { storeId, timeZone, cutoffMinutes, effectiveFromBusinessDate, now } = command.data;
  requireBusinessDaySettings(timeZone, cutoffMinutes);
  if (!isBusinessDate(effectiveFromBusinessDate)) {
    throw new TenancyError('tenancy.invalid_business_date', 'The effective date must be a calendar date YYYY-MM-DD.');
  }
  const current = existing(state, storeId);
  if (current.status === 'closed') throw new TenancyError('tenancy.store_closed', `Store ${storeId} is closed.`);
  const schedule = scheduleChange(current.businessDaySchedule, { effectiveFromBusinessDate, timeZone, cutoffMinutes });
  if (sameSchedule(schedule, current.businessDaySchedule)) return [];
  const today = storeBusinessDate(current.businessDaySchedule, now);
  const todayUnderNewSettings = businessDate(now, timeZone, cutoffMinutes);
  const latestBegun = today > todayUnderNewSettings ? today : todayUnderNewSettings;
  if (effectiveFromBusinessDate <= latestBegun) {
    throw new TenancyError('tenancy.business_day_change_not_in_future', `The change must take effect after business date ${latestBegun}, which has already begun.`);
  }
  if (schedule.length > BUSINESS_DAY_PERIODS_MAX) {
    throw new TenancyError('tenancy.business_day_changes_exhausted', `A store keeps at most ${BUSINESS_DAY_PERIODS_MAX} business-day periods.`);
  }
  return [
    {
      type: 'StoreBusinessDayChanged',
      data: { storeId, timeZone, cutoffMinutes, effectiveFromBusinessDate, changedAt: now },
    },
  ];
}

/** Final. Closing does not cascade: terminals and provider configs are handled by the command handlers. */
export function closeStore(command: CloseStore, state: StoreState): StoreEvent[] {
  const { storeId, reason, now } = command.data;
  requireReason(reason);
  const current = existing(state, storeId);
  if (current.status === 'closed') return [];
  return [{ type: 'StoreClosed', data: { storeId, reason, closedAt: now } }];
}

export function decideStore(command: StoreCommand, state: StoreState): StoreEvent[] {
  assertNow(command.data.now);
  switch (command.type) {
    case 'OpenStore':
      return openStore(command, state);
    case 'ChangeStoreBusinessDay':
      return changeStoreBusinessDay(command, state);
    case 'CloseStore':
      return closeStore(command, state);
    default:
      return unknownCommand(command);
  }
}

export const storeDecider: Decider<StoreCommand, StoreEvent, StoreState> = {
  decide: decideStore,
  evolve: evolveStore,
  initialState: initialStoreState,
};
