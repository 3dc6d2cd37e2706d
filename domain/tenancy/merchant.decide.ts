/**
 * Decisions for the Merchant stream: guard clauses in precedence order (payload, existence, state,
 * cross-aggregate facts); a command whose outcome is already in the state decides `[]`.
 *
 * Cross-aggregate facts arrive in the command: OnboardMerchant carries `clientPartnerStatus`, which
 * the command handler reads from the ClientPartner stream (never from a read model).
 */
import type { ClientPartnerStatus } from './clientPartner.js';
import { unknownCommand, type Decider } from './decider.js';
import { assert } from '../shared/domainError.js';
import { TenancyError } from './errors.js';
import type { ClientPartnerId, MerchantId } from './ids.js';
import { evolveMerchant, initialMerchantState, type MerchantEvent, type MerchantState, type OnboardedMerchant } from './merchant.js';
import { assertNow, requireName, requireReason } from './validation.js';

////////// Commands

export type OnboardMerchant = {
  readonly type: 'OnboardMerchant';
  readonly data: {
    readonly merchantId: MerchantId;
    readonly clientPartnerId: ClientPartnerId;
    readonly legalName: string;
    readonly displayName: string;
    /** Fact: the status of the client partner stream, as loaded by the command handler. */
    readonly clientPartnerStatus: ClientPartnerStatus;
    readonly now: string;
  };
};

/** Replaces both names; a merchant's legal name changes too (a company renames itself). */
export type RenameMerchant = {
  readonly type: 'RenameMerchant';
  readonly data: {
    readonly merchantId: MerchantId;
    readonly legalName: string;
    readonly displayName: string;
    readonly now: string;
  };
};

export type SuspendMerchant = {
  readonly type: 'SuspendMerchant';
  readonly data: { readonly merchantId: MerchantId; readonly reason: string; readonly now: string };
};

export type ReactivateMerchant = {
  readonly type: 'ReactivateMerchant';
  readonly data: { readonly merchantId: MerchantId; readonly now: string };
};

export type CloseMerchant = {
  readonly type: 'CloseMerchant';
  readonly data: { readonly merchantId: MerchantId; readonly reason: string; readonly now: string };
};

export type MerchantCommand = OnboardMerchant | RenameMerchant | SuspendMerchant | ReactivateMerchant | CloseMerchant;

////////// Guards

function existing(state: MerchantState, merchantId: MerchantId): OnboardedMerchant {
  if (state.status === 'not_onboarded') {
    throw new TenancyError('tenancy.merchant_not_found', `Merchant ${merchantId} does not exist.`);
  }
  assert(state.merchantId === merchantId, 'A merchant command was routed to another stream.');
  return state;
}

function notClosed(state: MerchantState, merchantId: MerchantId) {
  const current = existing(state, merchantId);
  if (current.status === 'closed') {
    throw new TenancyError('tenancy.merchant_closed', `Merchant ${merchantId} is closed.`);
  }
  return current;
}

////////// Decisions

export function onboardMerchant(command: OnboardMerchant, state: MerchantState): MerchantEvent[] {
  const { merchantId, clientPartnerId, legalName, displayName, clientPartnerStatus, now } = command.data;
  requireName(legalName, 'legal name');
  requireName(displayName, 'display name');
  if (state.status !== 'not_onboarded') {
    assert(state.merchantId === merchantId, 'A merchant command was routed to another stream.');
    const same = state.clientPartnerId === clientPartnerId && state.legalName === legalName && state.displayName === displayName;
    if (same) return [];
    throw new TenancyError('tenancy.merchant_already_onboarded', `Merchant ${merchantId} is already onboarded with other details.`);
  }
  if (clientPartnerStatus !== 'active') {
    throw new TenancyError('tenancy.client_partner_not_active', `Client partner ${clientPartnerId} is ${clientPartnerStatus}; only an active one onboards merchants.`);
  }
  return [{ type: 'MerchantOnboarded', data: { merchantId, clientPartnerId, legalName, displayName, onboardedAt: now } }];
}

export function renameMerchant(command: RenameMerchant, state: MerchantState): MerchantEvent[] {
  const { merchantId, legalName, displayName, now } = command.data;
  requireName(legalName, 'legal name');
  requireName(displayName, 'display name');
  const current = notClosed(state, merchantId);
  if (current.legalName === legalName && current.displayName === displayName) return [];
  return [{ type: 'MerchantRenamed', data: { merchantId, legalName, displayName, renamedAt: now } }];
}

export function suspendMerchant(command: SuspendMerchant, state: MerchantState): MerchantEvent[] {
  const { merchantId, reason, now } = command.data;
  requireReason(reason);
  const current = notClosed(state, merchantId);
  if (current.status === 'suspended') return [];
  return [{ type: 'MerchantSuspended', data: { merchantId, reason, suspendedAt: now } }];
}

export function reactivateMerchant(command: ReactivateMerchant, state: MerchantState): MerchantEvent[] {
  const { merchantId, now } = command.data;
  const current = notClosed(state, merchantId);
  if (current.status === 'active') return [];
  return [{ type: 'MerchantReactivated', data: { merchantId, reactivatedAt: now } }];
}

/** Final. Closing does not cascade: stores and terminals are closed by the command handlers. */
export function closeMerchant(command: CloseMerchant, state: MerchantState): MerchantEvent[] {
  const { merchantId, reason, now } = command.data;
  requireReason(reason);
  const current = existing(state, merchantId);
  if (current.status === 'closed') return [];
  return [{ type: 'MerchantClosed', data: { merchantId, reason, closedAt: now } }];
}

export function decideMerchant(command: MerchantCommand, state: MerchantState): MerchantEvent[] {
  assertNow(command.data.now);
  switch (command.type) {
    case 'OnboardMerchant':
      return onboardMerchant(command, state);
    case 'RenameMerchant':
      return renameMerchant(command, state);
    case 'SuspendMerchant':
      return suspendMerchant(command, state);
    case 'ReactivateMerchant':
      return reactivateMerchant(command, state);
    case 'CloseMerchant':
      return closeMerchant(command, state);
    default:
      return unknownCommand(command);
  }
}

export const merchantDecider: Decider<MerchantCommand, MerchantEvent, MerchantState> = {
  decide: decideMerchant,
  evolve: evolveMerchant,
  initialState: initialMerchantState,
};
