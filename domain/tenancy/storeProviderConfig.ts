/**
 * StoreProviderConfig: how one store accepts one provider (one stream per store × provider; see
 * `toStoreProviderConfigStreamName`). It holds the provider's fees and the store's provider
 * credentials. The credentials are encrypted before they reach the domain: events carry only an
 * opaque ciphertext and the id of the key that encrypted it, never plaintext, and read models must
 * never return either.
 *
 * Statuses: not_configured → enabled ⇄ disabled.
 */
import { ignoreUnknownEvent } from './decider.js';
import type { StoreId, StoreProviderConfigId } from './ids.js';
import type { ProviderCode } from './providerCode.js';
import type { EncryptedCredentials, ProviderFees } from './storeProviderConfig.values.js';

export type { EncryptedCredentials, ProviderFees } from './storeProviderConfig.values.js';

////////// Events

export type StoreProviderConfigured = {
  readonly type: 'StoreProviderConfigured';
  readonly data: {
    readonly storeProviderConfigId: StoreProviderConfigId;
    readonly storeId: StoreId;
    readonly providerCode: ProviderCode;
    readonly fees: ProviderFees;
    readonly credentials: EncryptedCredentials;
    readonly configuredAt: string;
  };
};

export type StoreProviderConfigFeesUpdated = {
  readonly type: 'StoreProviderConfigFeesUpdated';
  readonly data: {
    readonly storeProviderConfigId: StoreProviderConfigId;
    readonly fees: ProviderFees;
    readonly updatedAt: string;
  };
};

export type StoreProviderConfigCredentialsRotated = {
  readonly type: 'StoreProviderConfigCredentialsRotated';
  readonly data: {
    readonly storeProviderConfigId: StoreProviderConfigId;
    readonly credentials: EncryptedCredentials;
    readonly rotatedAt: string;
  };
};

export type StoreProviderConfigDisabled = {
  readonly type: 'StoreProviderConfigDisabled';
  readonly data: {
    readonly storeProviderConfigId: StoreProviderConfigId;
    readonly reason: string;
    readonly disabledAt: string;
  };
};

export type StoreProviderConfigEnabled = {
  readonly type: 'StoreProviderConfigEnabled';
  readonly data: { readonly storeProviderConfigId: StoreProviderConfigId; readonly enabledAt: string };
};

export type StoreProviderConfigEvent =
  StoreProviderConfigured | StoreProviderConfigFeesUpdated | StoreProviderConfigCredentialsRotated | StoreProviderConfigDisabled | StoreProviderConfigEnabled;

////////// State

export interface StoreProviderConfigRecord {
  readonly storeProviderConfigId: StoreProviderConfigId;
  readonly storeId: StoreId;
  readonly providerCode: ProviderCode;
  readonly fees: ProviderFees;
  readonly credentials: EncryptedCredentials;
  readonly configuredAt: string;
}

export type EnabledStoreProviderConfig = StoreProviderConfigRecord & { readonly status: 'enabled' };
export type DisabledStoreProviderConfig = StoreProviderConfigRecord & {
  readonly status: 'disabled';
  readonly disabledAt: string;
  readonly disableReason: string;
};
export type ConfiguredStoreProviderConfig = EnabledStoreProviderConfig | DisabledStoreProviderConfig;
export type StoreProviderConfigState = { readonly status: 'not_configured' } | ConfiguredStoreProviderConfig;
export type StoreProviderConfigStatus = StoreProviderConfigState['status'];

export const initialStoreProviderConfigState = (): StoreProviderConfigState => ({ status: 'not_configured' });

const recordOf = (state: ConfiguredStoreProviderConfig): StoreProviderConfigRecord => ({
  storeProviderConfigId: state.storeProviderConfigId,
  storeId: state.storeId,
  providerCode: state.providerCode,
  fees: state.fees,
  credentials: state.credentials,
  configuredAt: state.configuredAt,
});

////////// Evolve

/** Total: an event that does not apply to the state (it cannot have been decided) leaves it as is. */
export function evolveStoreProviderConfig(state: StoreProviderConfigState, event: StoreProviderConfigEvent): StoreProviderConfigState {
  switch (event.type) {
    case 'StoreProviderConfigured':
      if (state.status !== 'not_configured') return state;
      return { status: 'enabled', ...event.data };
    case 'StoreProviderConfigFeesUpdated':
      if (state.status === 'not_configured') return state;
      return { ...state, fees: event.data.fees };
    case 'StoreProviderConfigCredentialsRotated':
      if (state.status === 'not_configured') return state;
      return { ...state, credentials: event.data.credentials };
    case 'StoreProviderConfigDisabled':
      if (state.status !== 'enabled') return state;
      return {
        ...recordOf(state),
        status: 'disabled',
        disabledAt: event.data.disabledAt,
        disableReason: event.data.reason,
      };
    case 'StoreProviderConfigEnabled':
      if (state.status !== 'disabled') return state;
      return { ...recordOf(state), status: 'enabled' };
    default:
      return ignoreUnknownEvent(event, state);
  }
}
