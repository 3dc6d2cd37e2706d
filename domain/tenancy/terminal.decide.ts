/**
 * Decisions for the Terminal stream: guard clauses in precedence order (payload, existence, state,
 * cross-aggregate facts); a command whose outcome is already in the state decides `[]`.
 *
 * Cross-aggregate facts arrive in the command, read by the command handler from the Store and
 * Merchant streams: the store's merchant and status (RegisterTerminal, MoveTerminal,
 * ReactivateTerminal) and the merchant's status (RegisterTerminal, ReactivateTerminal).
 */
import { unknownCommand, type Decider } from './decider.js';
import { assert } from '../shared/domainError.js';
import { TenancyError } from './errors.js';
import type { MerchantId, StoreId, TerminalId } from './ids.js';
import type { MerchantStatus } from './merchant.js';
import type { StoreStatus } from './store.js';
import { requirePublicKey } from './publicKey.js';
import { evolveTerminal, initialTerminalState, type RegisteredTerminal, type TerminalEvent, type TerminalModel, type TerminalState } from './terminal.js';
import { assertNow, requireReason } from './validation.js';

////////// Commands

export type RegisterTerminal = {
  readonly type: 'RegisterTerminal';
  readonly data: {
    readonly terminalId: TerminalId;
    /** Lower-case canonical UUID, e.g. '3f2b…-…'. */
    readonly deviceUuid: string;
    /** SPKI PEM ('-----BEGIN PUBLIC KEY-----') or a public JWK as JSON. */
    readonly publicKey: string;
    readonly model: TerminalModel;
    readonly storeId: StoreId;
    /** Fact: the merchant of the store, read from the Store stream; recorded on the terminal. */
    readonly storeMerchantId: MerchantId;
    /** Fact: the status of the store stream. */
    readonly storeStatus: StoreStatus;
    /** Fact: the status of the merchant stream. */
    readonly merchantStatus: MerchantStatus;
    readonly now: string;
  };
};

export type MoveTerminal = {
  readonly type: 'MoveTerminal';
  readonly data: {
    readonly terminalId: TerminalId;
    readonly toStoreId: StoreId;
    /** Fact: the merchant of the target store, read from its Store stream. */
    readonly toStoreMerchantId: MerchantId;
    /** Fact: the status of the target store stream. */
    readonly toStoreStatus: StoreStatus;
    readonly now: string;
  };
};

export type DeactivateTerminal = {
  readonly type: 'DeactivateTerminal';
  readonly data: { readonly terminalId: TerminalId; readonly reason: string; readonly now: string };
};

export type ReactivateTerminal = {
  readonly type: 'ReactivateTerminal';
  readonly data: {
    readonly terminalId: TerminalId;
    /** Fact: the status of the terminal's current store. */
    readonly storeStatus: StoreStatus;
    /** Fact: the status of the terminal's merchant. */
    readonly merchantStatus: MerchantStatus;
    readonly now: string;
  };
};

export type TerminalCommand = RegisterTerminal | MoveTerminal | DeactivateTerminal | ReactivateTerminal;

////////// Guards

const deviceUuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function existing(state: TerminalState, terminalId: TerminalId): RegisteredTerminal {
  if (state.status === 'unregistered') {
    throw new TenancyError('tenancy.terminal_not_found', `Terminal ${terminalId} does not exist.`);
  }
  assert(state.terminalId === terminalId, 'A terminal command was routed to another stream.');
  return state;
}

function requireOperatingStore(storeId: StoreId, storeStatus: StoreStatus, merchantStatus: MerchantStatus): void {
  if (storeStatus !== 'open') throw new TenancyError('tenancy.store_not_open', `Store ${storeId} is ${storeStatus}.`);
  if (merchantStatus !== 'active') {
    throw new TenancyError('tenancy.merchant_not_active', `The merchant of store ${storeId} is ${merchantStatus}.`);
  }
}

////////// Decisions

export function registerTerminal(command: RegisterTerminal, state: TerminalState): TerminalEvent[] {
  const { terminalId, deviceUuid, publicKey, model, storeId, storeMerchantId, storeStatus, merchantStatus, now } = command.data;
  if (!deviceUuidPattern.test(deviceUuid)) {
    throw new TenancyError('tenancy.invalid_device_uuid', 'The device UUID must be a lower-case canonical UUID.');
  }
  requirePublicKey(publicKey);
  if (state.status !== 'unregistered') {
    assert(state.terminalId === terminalId, 'A terminal command was routed to another stream.');
    const same = state.deviceUuid === deviceUuid && state.publicKey === publicKey && state.model === model && state.storeId === storeId;
    if (same) return [];
    throw new TenancyError('tenancy.terminal_already_registered', `Terminal ${terminalId} is already registered with other details.`);
  }
  requireOperatingStore(storeId, storeStatus, merchantStatus);
  return [
    {
      type: 'TerminalRegistered',
      data: { terminalId, deviceUuid, publicKey, model, storeId, merchantId: storeMerchantId, registeredAt: now },
    },
  ];
}

/** Within the terminal's merchant only: a device never changes hands between merchants. */
export function moveTerminal(command: MoveTerminal, state: TerminalState): TerminalEvent[] {
  const { terminalId, toStoreId, toStoreMerchantId, toStoreStatus, now } = command.data;
  const current = existing(state, terminalId);
  if (current.storeId === toStoreId) return [];
  if (current.status === 'deactivated') {
    throw new TenancyError('tenancy.terminal_deactivated', `Terminal ${terminalId} is deactivated; reactivate it first.`);
  }
  if (toStoreMerchantId !== current.merchantId) {
    throw new TenancyError('tenancy.terminal_store_of_another_merchant', `Store ${toStoreId} belongs to another merchant than terminal ${terminalId}.`);
  }
  if (toStoreStatus !== 'open') {
    throw new TenancyError('tenancy.store_not_open', `Store ${toStoreId} is ${toStoreStatus}.`);
  }
  return [{ type: 'TerminalMoved', data: { terminalId, fromStoreId: current.storeId, toStoreId, movedAt: now } }];
}

export function deactivateTerminal(command: DeactivateTerminal, state: TerminalState): TerminalEvent[] {
  const { terminalId, reason, now } = command.data;
  requireReason(reason);
  const current = existing(state, terminalId);
  if (current.status === 'deactivated') return [];
  return [{ type: 'TerminalDeactivated', data: { terminalId, reason, deactivatedAt: now } }];
}

export function reactivateTerminal(command: ReactivateTerminal, state: TerminalState): TerminalEvent[] {
  const { terminalId, storeStatus, merchantStatus, now } = command.data;
  const current = existing(state, terminalId);
  if (current.status === 'active') return [];
  requireOperatingStore(current.storeId, storeStatus, merchantStatus);
  return [{ type: 'TerminalReactivated', data: { terminalId, reactivatedAt: now } }];
}

export function decideTerminal(command: TerminalCommand, state: TerminalState): TerminalEvent[] {
  assertNow(command.data.now);
  switch (command.type) {
    case 'RegisterTerminal':
      return registerTerminal(command, state);
    case 'MoveTerminal':
      return moveTerminal(command, state);
    case 'DeactivateTerminal':
      return deactivateTerminal(command, state);
    case 'ReactivateTerminal':
      return reactivateTerminal(command, state);
    default:
      return unknownCommand(command);
  }
}

export const terminalDecider: Decider<TerminalCommand, TerminalEvent, TerminalState> = {
  decide: decideTerminal,
  evolve: evolveTerminal,
  initialState: initialTerminalState,
};
