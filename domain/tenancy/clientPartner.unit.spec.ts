/**
 * ClientPartner decider. Proves that a partner is registered with a key id and the SHA-256 digest
 * of its secret (never the secret), that a rotation always replaces both the key id and the
 * secret, that suspension and reactivation are the only status changes, that every command whose
 * outcome is already recorded decides nothing, and — as a property over random command sequences —
 * that a suspended partner becomes active again only through ReactivateClientPartner and that
 * replaying the decided events rebuilds the same state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evolveClientPartner, initialClientPartnerState, type ClientPartnerEvent, type ClientPartnerState } from './clientPartner.js';
import { clientPartnerDecider, type ClientPartnerCommand } from './clientPartner.decide.js';
import { evolveAll } from './decider.js';
import { runCommands, specify } from '../shared/testing/deciderSpec.js';
import { AssertionFailedError } from '../shared/domainError.js';
import { parseClientPartnerId } from './ids.js';

const spec = specify(clientPartnerDecider);
const clientPartnerId = parseClientPartnerId('cp_01J0CP00000000000000000001');
const NOW = '2024-06-01T03:00:00.000Z';
const LATER = '2024-06-02T03:00:00.000Z';
const digestA = 'a'.repeat(64);
const digestB = 'b'.repeat(64);

const register = (data: Partial<{ name: string; hmacKeyId: string; secretSha256Hex: string }> = {}) =>
  ({
    type: 'RegisterClientPartner',
    data: { clientPartnerId, name: 'Acme POS', hmacKeyId: 'key-1', secretSha256Hex: digestA, now: NOW, ...data },
  }) as const satisfies ClientPartnerCommand;
const rotate = (hmacKeyId: string, secretSha256Hex: string) => ({ type: 'RotateClientPartnerSecret', data: { clientPartnerId, hmacKeyId, secretSha256Hex, now: LATER } }) as const;
const suspend = (reason = 'leaked secret') => ({ type: 'SuspendClientPartner', data: { clientPartnerId, reason, now: LATER } }) as const;
const reactivate = { type: 'ReactivateClientPartner', data: { clientPartnerId, now: LATER } } as const;

const registered: ClientPartnerEvent = {
  type: 'ClientPartnerRegistered',
  data: { clientPartnerId, name: 'Acme POS', hmacKeyId: 'key-1', secretSha256Hex: digestA, registeredAt: NOW },
};
const suspended: ClientPartnerEvent = {
  type: 'ClientPartnerSuspended',
  data: { clientPartnerId, reason: 'leaked secret', suspendedAt: LATER },
};
const rotated: ClientPartnerEvent = {
  type: 'ClientPartnerSecretRotated',
  data: { clientPartnerId, hmacKeyId: 'key-2', secretSha256Hex: digestB, rotatedAt: LATER },
};

describe('ClientPartner', () => {
  describe('when unregistered', () => {
    it('registers with the key id and the digest of the secret', () => {
      expect(spec.given([]).when(register())).toEqual({ events: [registered] });
    });

    it.each([
      ['a blank name', register({ name: '   ' }), 'tenancy.invalid_name'],
      ['a name with a control character', register({ name: 'Acme\nPOS' }), 'tenancy.invalid_name'],
      ['a name over 200 characters', register({ name: 'x'.repeat(201) }), 'tenancy.invalid_name'],
      ['an empty key id', register({ hmacKeyId: '' }), 'tenancy.invalid_hmac_key_id'],
      ['a key id with a space', register({ hmacKeyId: 'key 1' }), 'tenancy.invalid_hmac_key_id'],
      ['a key id over 64 characters', register({ hmacKeyId: 'k'.repeat(65) }), 'tenancy.invalid_hmac_key_id'],
      ['a plaintext secret instead of a digest', register({ secretSha256Hex: 's3cret' }), 'tenancy.invalid_secret_digest'],
      ['an upper-case digest', register({ secretSha256Hex: 'A'.repeat(64) }), 'tenancy.invalid_secret_digest'],
    ] as const)('refuses registration with %s', (_case, command, code) => {
      expect(spec.given([]).when(command)).toEqual({ refused: code });
    });

    it.each([
      ['RotateClientPartnerSecret', rotate('key-2', digestB)],
      ['SuspendClientPartner', suspend()],
      ['ReactivateClientPartner', reactivate],
    ] as const)('refuses %s: the partner does not exist', (_type, command) => {
      expect(spec.given([]).when(command)).toEqual({ refused: 'tenancy.client_partner_not_found' });
    });

    it('treats a malformed `now` as a programmer error, not a refusal', () => {
      const command = { ...register(), data: { ...register().data, now: '2024-06-01 03:00' } };
      expect(() => spec.given([]).when(command)).toThrow(AssertionFailedError);
    });
  });

  describe('when active', () => {
    it('decides nothing when the same registration is re-issued', () => {
      expect(spec.given([registered]).when(register())).toEqual({ events: [] });
    });

    it('refuses a registration with other details', () => {
      expect(spec.given([registered]).when(register({ name: 'Other' }))).toEqual({
        refused: 'tenancy.client_partner_already_registered',
      });
    });

    it('rotates to a new key id and a new secret', () => {
      expect(spec.given([registered]).when(rotate('key-2', digestB))).toEqual({ events: [rotated] });
    });

    it('decides nothing when the rotation is re-issued', () => {
      expect(spec.given([registered, rotated]).when(rotate('key-2', digestB))).toEqual({ events: [] });
    });

    it.each([
      ['the same key id with a new secret', rotate('key-1', digestB), 'tenancy.hmac_key_id_reused'],
      ['a new key id with the same secret', rotate('key-2', digestA), 'tenancy.secret_reused'],
      ['a malformed digest', rotate('key-2', 'xyz'), 'tenancy.invalid_secret_digest'],
    ] as const)('refuses a rotation with %s', (_case, command, code) => {
      expect(spec.given([registered]).when(command)).toEqual({ refused: code });
    });

    it('suspends with a reason', () => {
      expect(spec.given([registered]).when(suspend())).toEqual({ events: [suspended] });
    });

    it('refuses a suspension without a reason', () => {
      expect(spec.given([registered]).when(suspend(' '))).toEqual({ refused: 'tenancy.invalid_reason' });
    });

    it('decides nothing when reactivated', () => {
      expect(spec.given([registered]).when(reactivate)).toEqual({ events: [] });
    });
  });

  describe('when suspended', () => {
    it('decides nothing when suspended again, whatever the reason', () => {
      expect(spec.given([registered, suspended]).when(suspend('another reason'))).toEqual({ events: [] });
    });

    it('reactivates', () => {
      expect(spec.given([registered, suspended]).when(reactivate)).toEqual({
        events: [{ type: 'ClientPartnerReactivated', data: { clientPartnerId, reactivatedAt: LATER } }],
      });
    });

    it('rotates the secret (suspend, rotate, reactivate is the leaked-secret drill)', () => {
      expect(spec.given([registered, suspended]).when(rotate('key-2', digestB))).toEqual({ events: [rotated] });
    });
  });

  describe('evolve', () => {
    it('drops the suspension details on reactivation', () => {
      const reactivated: ClientPartnerEvent = { type: 'ClientPartnerReactivated', data: { clientPartnerId, reactivatedAt: LATER } };
      expect(evolveAll(clientPartnerDecider, [registered, suspended, reactivated])).toEqual({
        status: 'active',
        clientPartnerId,
        name: 'Acme POS',
        hmacKeyId: 'key-1',
        secretSha256Hex: digestA,
        registeredAt: NOW,
      });
    });

    it('folds registration, rotation and suspension into the state', () => {
      expect(evolveAll(clientPartnerDecider, [registered, rotated, suspended])).toEqual({
        status: 'suspended',
        clientPartnerId,
        name: 'Acme POS',
        hmacKeyId: 'key-2',
        secretSha256Hex: digestB,
        registeredAt: NOW,
        suspendedAt: LATER,
        suspensionReason: 'leaked secret',
      });
    });

    it.each([
      ['a rotation before registration', initialClientPartnerState(), rotated],
      ['a second registration', evolveClientPartner(initialClientPartnerState(), registered), registered],
    ] as const)('ignores %s instead of throwing', (_case, state: ClientPartnerState, event) => {
      expect(evolveClientPartner(state, event)).toBe(state);
    });
  });

  describe('invariants over random command sequences', () => {
    const keyIds = fc.constantFrom('key-1', 'key-2', 'key-3');
    const digests = fc.constantFrom(digestA, digestB, 'c'.repeat(64));
    const command: fc.Arbitrary<ClientPartnerCommand> = fc.oneof(
      fc.record({ name: fc.constantFrom('Acme POS', 'Other'), hmacKeyId: keyIds, secretSha256Hex: digests }).map(register),
      fc.tuple(keyIds, digests).map(([keyId, digest]) => rotate(keyId, digest)),
      fc.constantFrom(suspend(), suspend('fraud'), reactivate),
    );
    const allowedTransitions = new Set(['unregistered -RegisterClientPartner-> active', 'active -SuspendClientPartner-> suspended', 'suspended -ReactivateClientPartner-> active']);

    it('changes status only along the allowed transitions, replays deterministically, and re-issues idempotently', () => {
      const seen = new Set<string>();
      fc.assert(
        fc.property(fc.array(command, { maxLength: 30, size: 'max' }), (commands) => {
          const run = runCommands(clientPartnerDecider, commands);
          for (const step of run.steps) {
            const transition = `${step.before.status} -${step.command.type}-> ${step.after.status}`;
            if (step.before.status !== step.after.status) expect(allowedTransitions).toContain(transition);
            seen.add(transition);
            if ('events' in step.outcome && step.outcome.events.length > 0) expect(step.after).not.toEqual(step.before);
            if (step.reissue !== undefined) expect(step.reissue).toEqual({ events: [] });
          }
          expect(evolveAll(clientPartnerDecider, run.events)).toEqual(run.state);
        }),
      );
      // The generator reaches every allowed transition, so the property is not vacuous.
      for (const transition of allowedTransitions) expect(seen).toContain(transition);
    });
  });
});
