/**
 * Decisions for the ClientPartner stream. Each command function is a flat run of guard clauses in
 * precedence order: payload validation, existence, then state. A command whose outcome is already
 * in the state decides `[]`.
 */
import { evolveClientPartner, initialClientPartnerState, type ClientPartnerEvent, type ClientPartnerState, type RegisteredClientPartner } from './clientPartner.js';
import { unknownCommand, type Decider } from './decider.js';
import { assert } from '../shared/domainError.js';
import { TenancyError } from './errors.js';
import type { ClientPartnerId } from './ids.js';
import { assertNow, requireName, requireReason } from './validation.js';

////////// Commands

export type RegisterClientPartner = {
  readonly type: 'RegisterClientPartner';
  readonly data: {
    readonly clientPartnerId: ClientPartnerId;
    readonly name: string;
    readonly hmacKeyId: string;
    /** SHA-256 of the secret as 64 lower-case hex characters, computed by the caller. */
    readonly secretSha256Hex: string;
    readonly now: string;
  };
};

export type RotateClientPartnerSecret = {
  readonly type: 'RotateClientPartnerSecret';
  readonly data: {
    readonly clientPartnerId: ClientPartnerId;
    readonly hmacKeyId: string;
    readonly secretSha256Hex: string;
    readonly now: string;
  };
};

export type SuspendClientPartner = {
  readonly type: 'SuspendClientPartner';
  readonly data: { readonly clientPartnerId: ClientPartnerId; readonly reason: string; readonly now: string };
};

export type ReactivateClientPartner = {
  readonly type: 'ReactivateClientPartner';
  readonly data: { readonly clientPartnerId: ClientPartnerId; readonly now: string };
};

export type ClientPartnerCommand = RegisterClientPartner | RotateClientPartnerSecret | SuspendClientPartner | ReactivateClientPartner;

////////// Guards

export const HMAC_KEY_ID_LENGTH_MAX = 64;
const hmacKeyIdPattern = /^[A-Za-z0-9_-]+$/;
const sha256HexPattern = /^[0-9a-f]{64}$/;

function requireHmacCredentials(hmacKeyId: string, secretSha256Hex: string): void {
  if (hmacKeyId.length > HMAC_KEY_ID_LENGTH_MAX || !hmacKeyIdPattern.test(hmacKeyId)) {
    throw new TenancyError('tenancy.invalid_hmac_key_id', `The HMAC key id must be 1 to ${HMAC_KEY_ID_LENGTH_MAX} characters of [A-Za-z0-9_-].`);
  }
  if (!sha256HexPattern.test(secretSha256Hex)) {
    throw new TenancyError('tenancy.invalid_secret_digest', 'The secret digest must be a SHA-256 in 64 lower-case hex characters.');
  }
}

function existing(state: ClientPartnerState, clientPartnerId: ClientPartnerId): RegisteredClientPartner {
  if (state.status === 'unregistered') {
    throw new TenancyError('tenancy.client_partner_not_found', `Client partner ${clientPartnerId} does not exist.`);
  }
  assert(state.clientPartnerId === clientPartnerId, 'A client partner command was routed to another stream.');
  return state;
}

////////// Decisions

export function registerClientPartner(command: RegisterClientPartner, state: ClientPartnerState): ClientPartnerEvent[] {
  const { clientPartnerId, name, hmacKeyId, secretSha256Hex, now } = command.data;
  requireName(name, 'client partner name');
  requireHmacCredentials(hmacKeyId, secretSha256Hex);
  if (state.status !== 'unregistered') {
    assert(state.clientPartnerId === clientPartnerId, 'A client partner command was routed to another stream.');
    const same = state.name === name && state.hmacKeyId === hmacKeyId && state.secretSha256Hex === secretSha256Hex;
    if (same) return [];
    throw new TenancyError('tenancy.client_partner_already_registered', `Client partner ${clientPartnerId} is already registered with other details.`);
  }
  return [
    {
      type: 'ClientPartnerRegistered',
      data: { clientPartnerId, name, hmacKeyId, secretSha256Hex, registeredAt: now },
    },
  ];
}

/**
 * A rotation names a new key id for a new secret, so that an old signature can never be mistaken
 * for a new one. Allowed while suspended: suspend, rotate, reactivate is the leaked-secret drill.
 */
export function rotateClientPartnerSecret(command: RotateClientPartnerSecret, state: ClientPartnerState): ClientPartnerEvent[] {
  const { clientPartnerId, hmacKeyId, secretSha256Hex, now } = command.data;
  requireHmacCredentials(hmacKeyId, secretSha256Hex);
  const current = existing(state, clientPartnerId);
  const sameKeyId = current.hmacKeyId === hmacKeyId;
  const sameSecret = current.secretSha256Hex === secretSha256Hex;
  if (sameKeyId && sameSecret) return [];
  if (sameKeyId) {
    throw new TenancyError('tenancy.hmac_key_id_reused', 'A rotated secret needs a new HMAC key id.');
  }
  if (sameSecret) {
    throw new TenancyError('tenancy.secret_reused', 'A rotation must replace the secret, not reuse it.');
  }
  return [{ type: 'ClientPartnerSecretRotated', data: { clientPartnerId, hmacKeyId, secretSha256Hex, rotatedAt: now } }];
}

export function suspendClientPartner(command: SuspendClientPartner, state: ClientPartnerState): ClientPartnerEvent[] {
  const { clientPartnerId, reason, now } = command.data;
  requireReason(reason);
  const current = existing(state, clientPartnerId);
  if (current.status === 'suspended') return [];
  return [{ type: 'ClientPartnerSuspended', data: { clientPartnerId, reason, suspendedAt: now } }];
}

export function reactivateClientPartner(command: ReactivateClientPartner, state: ClientPartnerState): ClientPartnerEvent[] {
  const { clientPartnerId, now } = command.data;
  const current = existing(state, clientPartnerId);
  if (current.status === 'active') return [];
  return [{ type: 'ClientPartnerReactivated', data: { clientPartnerId, reactivatedAt: now } }];
}

export function decideClientPartner(command: ClientPartnerCommand, state: ClientPartnerState): ClientPartnerEvent[] {
  assertNow(command.data.now);
  switch (command.type) {
    case 'RegisterClientPartner':
      return registerClientPartner(command, state);
    case 'RotateClientPartnerSecret':
      return rotateClientPartnerSecret(command, state);
    case 'SuspendClientPartner':
      return suspendClientPartner(command, state);
    case 'ReactivateClientPartner':
      return reactivateClientPartner(command, state);
    default:
      return unknownCommand(command);
  }
}

export const clientPartnerDecider: Decider<ClientPartnerCommand, ClientPartnerEvent, ClientPartnerState> = {
  decide: decideClientPartner,
  evolve: evolveClientPartner,
  initialState: initialClientPartnerState,
};
