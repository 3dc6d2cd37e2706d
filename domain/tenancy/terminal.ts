/**
 * Terminal: one S-Pitt device (one stream per terminal). It is identified by its device UUID and
 * proves possession of the private key matching the registered public key to obtain a device JWT
 * (ARCHITECTURE.md §6). A `deactivated` terminal keeps its record, so the auth layer can tell it
 * apart from an unknown one and refuse it a token.
 *
 * Statuses: unregistered → active ⇄ deactivated.
 */
import { ignoreUnknownEvent } from './decider.js';
import type { MerchantId, StoreId, TerminalId } from './ids.js';

export const terminalModels = ['S-Pitt Air', 'S-Pitt Mobile'] as const;
export type TerminalModel = (typeof terminalModels)[number];

////////// Events

export type TerminalRegistered = {
  readonly type: 'TerminalRegistered';
  readonly data: {
    readonly terminalId: TerminalId;
    readonly deviceUuid: string;
    /** SPKI PEM or a public JWK, as registered; never a private key. */
    readonly publicKey: string;
    readonly model: TerminalModel;
    readonly storeId: StoreId;
    readonly merchantId: MerchantId;
    readonly registeredAt: string;
  };
};

export type TerminalMoved = {
  readonly type: 'TerminalMoved';
  readonly data: {
    readonly terminalId: TerminalId;
    readonly fromStoreId: StoreId;
    readonly toStoreId: StoreId;
    readonly movedAt: string;
  };
};

export type TerminalDeactivated = {
  readonly type: 'TerminalDeactivated';
  readonly data: { readonly terminalId: TerminalId; readonly reason: string; readonly deactivatedAt: string };
};

export type TerminalReactivated = {
  readonly type: 'TerminalReactivated';
  readonly data: { readonly terminalId: TerminalId; readonly reactivatedAt: string };
};

export type TerminalEvent = TerminalRegistered | TerminalMoved | TerminalDeactivated | TerminalReactivated;

////////// State

export interface TerminalRecord {
  readonly terminalId: TerminalId;
  readonly deviceUuid: string;
  readonly publicKey: string;
  readonly model: TerminalModel;
  readonly storeId: StoreId;
  readonly merchantId: MerchantId;
  readonly registeredAt: string;
}

export type ActiveTerminal = TerminalRecord & { readonly status: 'active' };
export type DeactivatedTerminal = TerminalRecord & {
  readonly status: 'deactivated';
  readonly deactivatedAt: string;
  readonly deactivationReason: string;
};
export type RegisteredTerminal = ActiveTerminal | DeactivatedTerminal;
export type TerminalState = { readonly status: 'unregistered' } | RegisteredTerminal;
export type TerminalStatus = TerminalState['status'];

export const initialTerminalState = (): TerminalState => ({ status: 'unregistered' });

/**
 * Only an active terminal may be issued a device JWT (its store and merchant are checked too, by
 * the auth layer).
 */
export const isActiveTerminal = (state: TerminalState): state is ActiveTerminal => state.status === 'active';

const recordOf = (state: RegisteredTerminal): TerminalRecord => ({
  terminalId: state.terminalId,
  deviceUuid: state.deviceUuid,
  publicKey: state.publicKey,
  model: state.model,
  storeId: state.storeId,
  merchantId: state.merchantId,
  registeredAt: state.registeredAt,
});

////////// Evolve

/** Total: an event that does not apply to the state (it cannot have been decided) leaves it as is. */
export function evolveTerminal(state: TerminalState, event: TerminalEvent): TerminalState {
  switch (event.type) {
    case 'TerminalRegistered':
      if (state.status !== 'unregistered') return state;
      return { status: 'active', ...event.data };
    case 'TerminalMoved':
      if (state.status !== 'active') return state;
      return { ...state, storeId: event.data.toStoreId };
    case 'TerminalDeactivated':
      if (state.status !== 'active') return state;
      return {
        ...recordOf(state),
        status: 'deactivated',
        deactivatedAt: event.data.deactivatedAt,
        deactivationReason: event.data.reason,
      };
    case 'TerminalReactivated':
      if (state.status !== 'deactivated') return state;
      return { ...recordOf(state), status: 'active' };
    default:
      return ignoreUnknownEvent(event, state);
  }
}
