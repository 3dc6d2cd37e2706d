/**
 * Store: a shop of a merchant (one stream per store). It owns the business-day definition that
 * sales reports and settlement use: an IANA time zone and a cut-off in minutes after local
 * midnight, changeable from a future business date (see domain/businessDay).
 *
 * Statuses: not_opened → open → closed. `closed` is final.
 */
import { scheduleChange, type BusinessDaySchedule } from '../businessDay/index.js';
import { ignoreUnknownEvent } from './decider.js';
import type { MerchantId, StoreId } from './ids.js';

////////// Events

export type StoreOpened = {
  readonly type: 'StoreOpened';
  readonly data: {
    readonly storeId: StoreId;
    readonly merchantId: MerchantId;
    readonly name: string;
    readonly timeZone: string;
    readonly cutoffMinutes: number;
    /** The business date of `openedAt` under these settings, recorded so replay needs no time-zone data. */
    readonly firstBusinessDate: string;
    readonly openedAt: string;
  };
};

export type StoreBusinessDayChanged = {
  readonly type: 'StoreBusinessDayChanged';
  readonly data: {
    readonly storeId: StoreId;
    readonly timeZone: string;
    readonly cutoffMinutes: number;
    readonly effectiveFromBusinessDate: string;
    readonly changedAt: string;
  };
};

export type StoreClosed = {
  readonly type: 'StoreClosed';
  readonly data: { readonly storeId: StoreId; readonly reason: string; readonly closedAt: string };
};

export type StoreEvent = StoreOpened | StoreBusinessDayChanged | StoreClosed;

////////// State

export interface StoreRecord {
  readonly storeId: StoreId;
  readonly merchantId: MerchantId;
  readonly name: string;
  readonly businessDaySchedule: BusinessDaySchedule;
  readonly openedAt: string;
}

export type OperatingStore = StoreRecord & { readonly status: 'open' };
export type ClosedStore = StoreRecord & {
  readonly status: 'closed';
  readonly closedAt: string;
  readonly closureReason: string;
};
export type ExistingStore = OperatingStore | ClosedStore;
export type StoreState = { readonly status: 'not_opened' } | ExistingStore;
export type StoreStatus = StoreState['status'];

export const initialStoreState = (): StoreState => ({ status: 'not_opened' });

////////// Evolve

/** Total: an event that does not apply to the state (it cannot have been decided) leaves it as is. */
export function evolveStore(state: StoreState, event: StoreEvent): StoreState {
  switch (event.type) {
    case 'StoreOpened': {
      if (state.status !== 'not_opened') return state;
      const { storeId, merchantId, name, timeZone, cutoffMinutes, firstBusinessDate, openedAt } = event.data;
      const opening = { effectiveFromBusinessDate: firstBusinessDate, timeZone, cutoffMinutes };
      return { status: 'open', storeId, merchantId, name, businessDaySchedule: [opening], openedAt };
    }
    case 'StoreBusinessDayChanged': {
      if (state.status !== 'open') return state;
      const { timeZone, cutoffMinutes, effectiveFromBusinessDate } = event.data;
      const change = { effectiveFromBusinessDate, timeZone, cutoffMinutes };
      return { ...state, businessDaySchedule: scheduleChange(state.businessDaySchedule, change) };
    }
    case 'StoreClosed':
      if (state.status !== 'open') return state;
      return { ...state, status: 'closed', closedAt: event.data.closedAt, closureReason: event.data.reason };
    default:
      return ignoreUnknownEvent(event, state);
  }
}
