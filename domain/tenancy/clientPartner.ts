/**
 * ClientPartner: the API client behind a partner server (one stream per partner). It signs requests
 * with HMAC-SHA256 (ARCHITECTURE.md §6). The secret itself never enters the domain: the caller
 * hashes it and passes the SHA-256 hex digest, which is what the events record.
 *
 * Handle `secretSha256Hex` as a secret anyway: per §6 the HMAC key *is* the 64 ASCII bytes of that
 * digest, so whoever reads it can sign requests. Read models and audit exports must never return it.
 *
 * Statuses: unregistered → active ⇄ suspended. There is no terminal status.
 */
import { ignoreUnknownEvent } from './decider.js';
import type { ClientPartnerId } from './ids.js';

////////// Events

export type ClientPartnerRegistered = {
  readonly type: 'ClientPartnerRegistered';
  readonly data: {
    readonly clientPartnerId: ClientPartnerId;
    readonly name: string;
    readonly hmacKeyId: string;
    readonly secretSha256Hex: string;
    readonly registeredAt: string;
  };
};

export type ClientPartnerSecretRotated = {
  readonly type: 'ClientPartnerSecretRotated';
  readonly data: {
    readonly clientPartnerId: ClientPartnerId;
    readonly hmacKeyId: string;
    readonly secretSha256Hex: string;
    readonly rotatedAt: string;
  };
};

export type ClientPartnerSuspended = {
  readonly type: 'ClientPartnerSuspended';
  readonly data: { readonly clientPartnerId: ClientPartnerId; readonly reason: string; readonly suspendedAt: string };
};

export type ClientPartnerReactivated = {
  readonly type: 'ClientPartnerReactivated';
  readonly data: { readonly clientPartnerId: ClientPartnerId; readonly reactivatedAt: string };
};

export type ClientPartnerEvent = ClientPartnerRegistered | ClientPartnerSecretRotated | ClientPartnerSuspended | ClientPartnerReactivated;

////////// State

export interface ClientPartnerRecord {
  readonly clientPartnerId: ClientPartnerId;
  readonly name: string;
  readonly hmacKeyId: string;
  readonly secretSha256Hex: string;
  readonly registeredAt: string;
}

export type ActiveClientPartner = ClientPartnerRecord & { readonly status: 'active' };
export type SuspendedClientPartner = ClientPartnerRecord & {
  readonly status: 'suspended';
  readonly suspendedAt: string;
  readonly suspensionReason: string;
};
export type RegisteredClientPartner = ActiveClientPartner | SuspendedClientPartner;
export type ClientPartnerState = { readonly status: 'unregistered' } | RegisteredClientPartner;
export type ClientPartnerStatus = ClientPartnerState['status'];

export const initialClientPartnerState = (): ClientPartnerState => ({ status: 'unregistered' });

const recordOf = (state: RegisteredClientPartner): ClientPartnerRecord => ({
  clientPartnerId: state.clientPartnerId,
  name: state.name,
  hmacKeyId: state.hmacKeyId,
  secretSha256Hex: state.secretSha256Hex,
  registeredAt: state.registeredAt,
});

////////// Evolve

/** Total: an event that does not apply to the state (it cannot have been decided) leaves it as is. */
export function evolveClientPartner(state: ClientPartnerState, event: ClientPartnerEvent): ClientPartnerState {
  switch (event.type) {
    case 'ClientPartnerRegistered':
      if (state.status !== 'unregistered') return state;
      return { status: 'active', ...event.data };
    case 'ClientPartnerSecretRotated': {
      if (state.status === 'unregistered') return state;
      const { hmacKeyId, secretSha256Hex } = event.data;
      return { ...state, hmacKeyId, secretSha256Hex };
    }
    case 'ClientPartnerSuspended':
      if (state.status !== 'active') return state;
      return {
        ...recordOf(state),
        status: 'suspended',
        suspendedAt: event.data.suspendedAt,
        suspensionReason: event.data.reason,
      };
    case 'ClientPartnerReactivated':
      if (state.status !== 'suspended') return state;
      return { ...recordOf(state), status: 'active' };
    default:
      return ignoreUnknownEvent(event, state);
  }
}
