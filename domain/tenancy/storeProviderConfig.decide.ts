/**
 * Decisions for a StoreProviderConfig stream: guard clauses in precedence order (payload,
 * existence, state, cross-aggregate facts); a command whose outcome is already in the state
 * decides `[]`.
 *
 * Commands are addressed by (storeId, providerCode), which names the stream. Cross-aggregate
 * facts arrive in the command: ConfigureStoreProvider and EnableStoreProvider carry `storeStatus`,
 * read by the command handler from the Store stream.
 */
import { unknownCommand, type Decider } from './decider.js';
import { assert } from '../shared/domainError.js';
import { TenancyError } from './errors.js';
import type { StoreId, StoreProviderConfigId } from './ids.js';
import type { ProviderCode } from './providerCode.js';
import type { StoreStatus } from './store.js';
import { requireCredentials, requireFees, sameCredentials, sameFees, type EncryptedCredentials, type ProviderFees } from './storeProviderConfig.values.js';
import {
  evolveStoreProviderConfig,
  initialStoreProviderConfigState,
  type ConfiguredStoreProviderConfig,
  type StoreProviderConfigEvent,
  type StoreProviderConfigState,
} from './storeProviderConfig.js';
import { assertNow, requireReason } from './validation.js';

////////// Commands

interface Address {
  readonly storeId: StoreId;
  readonly providerCode: ProviderCode;
  readonly now: string;
}

export type ConfigureStoreProvider = {
  readonly type: 'ConfigureStoreProvider';
  readonly data: Address & {
    readonly storeProviderConfigId: StoreProviderConfigId;
    readonly fees: ProviderFees;
    readonly credentials: EncryptedCredentials;
    /** Fact: the status of the store stream, as loaded by the command handler. */
    readonly storeStatus: StoreStatus;
  };
};

export type UpdateStoreProviderFees = {
  readonly type: 'UpdateStoreProviderFees';
  readonly data: Address & { readonly fees: ProviderFees };
};

export type RotateStoreProviderCredentials = {
  readonly type: 'RotateStoreProviderCredentials';
  readonly data: Address & { readonly credentials: EncryptedCredentials };
};

export type DisableStoreProvider = {
  readonly type: 'DisableStoreProvider';
  readonly data: Address & { readonly reason: string };
};

export type EnableStoreProvider = {
  readonly type: 'EnableStoreProvider';
  readonly data: Address & { readonly storeStatus: StoreStatus };
};

export type StoreProviderConfigCommand = ConfigureStoreProvider | UpdateStoreProviderFees | RotateStoreProviderCredentials | DisableStoreProvider | EnableStoreProvider;

////////// Guards

function assertAddress(state: ConfiguredStoreProviderConfig, { storeId, providerCode }: Address): void {
  assert(state.storeId === storeId && state.providerCode === providerCode, 'A store provider config command was routed to another stream.');
}

function existing(state: StoreProviderConfigState, address: Address): ConfiguredStoreProviderConfig {
  if (state.status === 'not_configured') {
    throw new TenancyError('tenancy.store_provider_config_not_found', `Store ${address.storeId} has no ${address.providerCode} configuration.`);
  }
  assertAddress(state, address);
  return state;
}

function requireOpenStore(storeId: StoreId, storeStatus: StoreStatus): void {
  if (storeStatus === 'open') return;
  throw new TenancyError('tenancy.store_not_open', `Store ${storeId} is ${storeStatus}.`);
}

////////// Decisions

export function configureStoreProvider(command: ConfigureStoreProvider, state: StoreProviderConfigState): StoreProviderConfigEvent[] {
  const { storeProviderConfigId, storeId, providerCode, fees, credentials, storeStatus, now } = command.data;
  requireFees(fees);
  requireCredentials(credentials);
  if (state.status !== 'not_configured') {
    assertAddress(state, command.data);
    const same = state.storeProviderConfigId === storeProviderConfigId && sameFees(state.fees, fees) && sameCredentials(state.credentials, credentials);
    if (same) return [];
    throw new TenancyError(
      'tenancy.store_provider_config_already_configured',
      `Store ${storeId} already has a ${providerCode} configuration; update its fees or rotate its credentials.`,
    );
  }
  requireOpenStore(storeId, storeStatus);
  return [
    {
      type: 'StoreProviderConfigured',
      data: { storeProviderConfigId, storeId, providerCode, fees, credentials, configuredAt: now },
    },
  ];
}

export function updateStoreProviderFees(command: UpdateStoreProviderFees, state: StoreProviderConfigState): StoreProviderConfigEvent[] {
  const { fees, now } = command.data;
  requireFees(fees);
  const current = existing(state, command.data);
  if (sameFees(current.fees, fees)) return [];
  const { storeProviderConfigId } = current;
  return [{ type: 'StoreProviderConfigFeesUpdated', data: { storeProviderConfigId, fees, updatedAt: now } }];
}

export function rotateStoreProviderCredentials(command: RotateStoreProviderCredentials, state: StoreProviderConfigState): StoreProviderConfigEvent[] {
  const { credentials, now } = command.data;
  requireCredentials(credentials);
  const current = existing(state, command.data);
  if (sameCredentials(current.credentials, credentials)) return [];
  const { storeProviderConfigId } = current;
  return [{ type: 'StoreProviderConfigCredentialsRotated', data: { storeProviderConfigId, credentials, rotatedAt: now } }];
}

export function disableStoreProvider(command: DisableStoreProvider, state: StoreProviderConfigState): StoreProviderConfigEvent[] {
  const { reason, now } = command.data;
  requireReason(reason);
  const current = existing(state, command.data);
  if (current.status === 'disabled') return [];
  const { storeProviderConfigId } = current;
  return [{ type: 'StoreProviderConfigDisabled', data: { storeProviderConfigId, reason, disabledAt: now } }];
}

export function enableStoreProvider(command: EnableStoreProvider, state: StoreProviderConfigState): StoreProviderConfigEvent[] {
  const { storeId, storeStatus, now } = command.data;
  const current = existing(state, command.data);
  if (current.status === 'enabled') return [];
  requireOpenStore(storeId, storeStatus);
  const { storeProviderConfigId } = current;
  return [{ type: 'StoreProviderConfigEnabled', data: { storeProviderConfigId, enabledAt: now } }];
}

export function decideStoreProviderConfig(command: StoreProviderConfigCommand, state: StoreProviderConfigState): StoreProviderConfigEvent[] {
  assertNow(command.data.now);
  switch (command.type) {
    case 'ConfigureStoreProvider':
      return configureStoreProvider(command, state);
    case 'UpdateStoreProviderFees':
      return updateStoreProviderFees(command, state);
    case 'RotateStoreProviderCredentials':
      return rotateStoreProviderCredentials(command, state);
    case 'DisableStoreProvider':
      return disableStoreProvider(command, state);
    case 'EnableStoreProvider':
      return enableStoreProvider(command, state);
    default:
      return unknownCommand(command);
  }
}

export const storeProviderConfigDecider: Decider<StoreProviderConfigCommand, StoreProviderConfigEvent, StoreProviderConfigState> = {
  decide: decideStoreProviderConfig,
  evolve: evolveStoreProviderConfig,
  initialState: initialStoreProviderConfigState,
};
