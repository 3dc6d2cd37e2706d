/**
 * Merchant: a business under a client partner (one stream per merchant). Its stores, provider
 * configurations and terminals hang off it.
 *
 * Statuses: not_onboarded → active ⇄ suspended → closed. `closed` is final.
 */
import { ignoreUnknownEvent } from './decider.js';
import type { ClientPartnerId, MerchantId } from './ids.js';

////////// Events

export type MerchantOnboarded = {
  readonly type: 'MerchantOnboarded';
  readonly data: {
    readonly merchantId: MerchantId;
    readonly clientPartnerId: ClientPartnerId;
    readonly legalName: string;
    readonly displayName: string;
    readonly onboardedAt: string;
  };
};

export type MerchantRenamed = {
  readonly type: 'MerchantRenamed';
  readonly data: {
    readonly merchantId: MerchantId;
    readonly legalName: string;
    readonly displayName: string;
    readonly renamedAt: string;
  };
};

export type MerchantSuspended = {
  readonly type: 'MerchantSuspended';
  readonly data: { readonly merchantId: MerchantId; readonly reason: string; readonly suspendedAt: string };
};

export type MerchantReactivated = {
  readonly type: 'MerchantReactivated';
  readonly data: { readonly merchantId: MerchantId; readonly reactivatedAt: string };
};

export type MerchantClosed = {
  readonly type: 'MerchantClosed';
  readonly data: { readonly merchantId: MerchantId; readonly reason: string; readonly closedAt: string };
};

export type MerchantEvent = MerchantOnboarded | MerchantRenamed | MerchantSuspended | MerchantReactivated | MerchantClosed;

////////// State

export interface MerchantRecord {
  readonly merchantId: MerchantId;
  readonly clientPartnerId: ClientPartnerId;
  readonly legalName: string;
  readonly displayName: string;
  readonly onboardedAt: string;
}

export type ActiveMerchant = MerchantRecord & { readonly status: 'active' };
export type SuspendedMerchant = MerchantRecord & {
  readonly status: 'suspended';
  readonly suspendedAt: string;
  readonly suspensionReason: string;
};
export type ClosedMerchant = MerchantRecord & {
  readonly status: 'closed';
  readonly closedAt: string;
  readonly closureReason: string;
};
export type OnboardedMerchant = ActiveMerchant | SuspendedMerchant | ClosedMerchant;
export type MerchantState = { readonly status: 'not_onboarded' } | OnboardedMerchant;
export type MerchantStatus = MerchantState['status'];

export const initialMerchantState = (): MerchantState => ({ status: 'not_onboarded' });

const recordOf = (state: OnboardedMerchant): MerchantRecord => ({
  merchantId: state.merchantId,
  clientPartnerId: state.clientPartnerId,
  legalName: state.legalName,
  displayName: state.displayName,
  onboardedAt: state.onboardedAt,
});

////////// Evolve

/** Total: an event that does not apply to the state (it cannot have been decided) leaves it as is. */
export function evolveMerchant(state: MerchantState, event: MerchantEvent): MerchantState {
  switch (event.type) {
    case 'MerchantOnboarded':
      if (state.status !== 'not_onboarded') return state;
      return { status: 'active', ...event.data };
    case 'MerchantRenamed':
      if (state.status === 'not_onboarded' || state.status === 'closed') return state;
      return { ...state, legalName: event.data.legalName, displayName: event.data.displayName };
    case 'MerchantSuspended':
      if (state.status !== 'active') return state;
      return {
        ...recordOf(state),
        status: 'suspended',
        suspendedAt: event.data.suspendedAt,
        suspensionReason: event.data.reason,
      };
    case 'MerchantReactivated':
      if (state.status !== 'suspended') return state;
      return { ...recordOf(state), status: 'active' };
    case 'MerchantClosed':
      if (state.status === 'not_onboarded' || state.status === 'closed') return state;
      return { ...recordOf(state), status: 'closed', closedAt: event.data.closedAt, closureReason: event.data.reason };
    default:
      return ignoreUnknownEvent(event, state);
  }
}
