/**
 * Merchant decider. Proves that a merchant is onboarded only under an active client partner (a fact
 * the command carries), that rename, suspend and reactivate work until the merchant is closed and
 * are refused after, that closing is final, that every command whose outcome is already recorded
 * decides nothing (even when the facts have changed since), and — as a property over random command
 * sequences — that a closed merchant never changes again, that a suspended one becomes active only
 * through ReactivateMerchant, and that replaying the decided events rebuilds the same state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClientPartnerStatus } from './clientPartner.js';
import { evolveAll } from './decider.js';
import { runCommands, specify } from '../shared/testing/deciderSpec.js';
import { parseClientPartnerId, parseMerchantId } from './ids.js';
import { evolveMerchant, initialMerchantState, type MerchantEvent, type MerchantState } from './merchant.js';
import { merchantDecider, type MerchantCommand } from './merchant.decide.js';

const spec = specify(merchantDecider);
const merchantId = parseMerchantId('mer_01J0MER0000000000000000001');
const clientPartnerId = parseClientPartnerId('cp_01J0CP00000000000000000001');
const NOW = '2024-06-01T03:00:00.000Z';
const LATER = '2024-06-02T03:00:00.000Z';

const onboard = (clientPartnerStatus: ClientPartnerStatus = 'active', displayName = 'Ramen Ichiban') =>
  ({
    type: 'OnboardMerchant',
    data: { merchantId, clientPartnerId, legalName: 'Ichiban KK', displayName, clientPartnerStatus, now: NOW },
  }) as const satisfies MerchantCommand;
const rename = (legalName: string, displayName: string) => ({ type: 'RenameMerchant', data: { merchantId, legalName, displayName, now: LATER } }) as const;
const suspend = (reason = 'chargeback review') => ({ type: 'SuspendMerchant', data: { merchantId, reason, now: LATER } }) as const;
const reactivate = { type: 'ReactivateMerchant', data: { merchantId, now: LATER } } as const;
const close = (reason = 'contract ended') => ({ type: 'CloseMerchant', data: { merchantId, reason, now: LATER } }) as const;

const onboarded: MerchantEvent = {
  type: 'MerchantOnboarded',
  data: { merchantId, clientPartnerId, legalName: 'Ichiban KK', displayName: 'Ramen Ichiban', onboardedAt: NOW },
};
const suspended: MerchantEvent = {
  type: 'MerchantSuspended',
  data: { merchantId, reason: 'chargeback review', suspendedAt: LATER },
};
const closed: MerchantEvent = { type: 'MerchantClosed', data: { merchantId, reason: 'contract ended', closedAt: LATER } };

describe('Merchant', () => {
  describe('when not onboarded', () => {
    it('onboards under an active client partner', () => {
      expect(spec.given([]).when(onboard())).toEqual({ events: [onboarded] });
    });

    it.each(['unregistered', 'suspended'] as const)('refuses onboarding under a %s client partner', (status) => {
      expect(spec.given([]).when(onboard(status))).toEqual({ refused: 'tenancy.client_partner_not_active' });
    });

    it('refuses a blank display name', () => {
      expect(spec.given([]).when(onboard('active', ''))).toEqual({ refused: 'tenancy.invalid_name' });
    });

    it.each([
      ['RenameMerchant', rename('A KK', 'A')],
      ['SuspendMerchant', suspend()],
      ['ReactivateMerchant', reactivate],
      ['CloseMerchant', close()],
    ] as const)('refuses %s: the merchant does not exist', (_type, command) => {
      expect(spec.given([]).when(command)).toEqual({ refused: 'tenancy.merchant_not_found' });
    });
  });

  describe('when active', () => {
    it('decides nothing when onboarding is re-issued, even if the partner was suspended since', () => {
      expect(spec.given([onboarded]).when(onboard('suspended'))).toEqual({ events: [] });
    });

    it('refuses onboarding with other details', () => {
      expect(spec.given([onboarded]).when(onboard('active', 'Other'))).toEqual({
        refused: 'tenancy.merchant_already_onboarded',
      });
    });

    it('renames', () => {
      expect(spec.given([onboarded]).when(rename('Ichiban Holdings KK', 'Ichiban'))).toEqual({
        events: [
          {
            type: 'MerchantRenamed',
            data: { merchantId, legalName: 'Ichiban Holdings KK', displayName: 'Ichiban', renamedAt: LATER },
          },
        ],
      });
    });

    it('decides nothing when renamed to the current names', () => {
      expect(spec.given([onboarded]).when(rename('Ichiban KK', 'Ramen Ichiban'))).toEqual({ events: [] });
    });

    it('suspends', () => {
      expect(spec.given([onboarded]).when(suspend())).toEqual({ events: [suspended] });
    });

    it('decides nothing when reactivated', () => {
      expect(spec.given([onboarded]).when(reactivate)).toEqual({ events: [] });
    });

    it('closes', () => {
      expect(spec.given([onboarded]).when(close())).toEqual({ events: [closed] });
    });

    it('refuses a close without a reason', () => {
      expect(spec.given([onboarded]).when(close(''))).toEqual({ refused: 'tenancy.invalid_reason' });
    });
  });

  describe('when suspended', () => {
    it('reactivates', () => {
      expect(spec.given([onboarded, suspended]).when(reactivate)).toEqual({
        events: [{ type: 'MerchantReactivated', data: { merchantId, reactivatedAt: LATER } }],
      });
    });

    it('decides nothing when suspended again', () => {
      expect(spec.given([onboarded, suspended]).when(suspend('other'))).toEqual({ events: [] });
    });

    it('renames and stays suspended', () => {
      const renamed = spec.given([onboarded, suspended]).when(rename('B KK', 'B'));
      expect(renamed).toMatchObject({ events: [{ type: 'MerchantRenamed' }] });
      const events = 'events' in renamed ? renamed.events : [];
      expect(evolveAll(merchantDecider, [onboarded, suspended, ...events])).toMatchObject({
        status: 'suspended',
        displayName: 'B',
      });
    });

    it('closes', () => {
      expect(spec.given([onboarded, suspended]).when(close())).toEqual({ events: [closed] });
    });
  });

  describe('when closed', () => {
    it.each([
      ['RenameMerchant', rename('A KK', 'A')],
      ['SuspendMerchant', suspend()],
      ['ReactivateMerchant', reactivate],
    ] as const)('refuses %s', (_type, command) => {
      expect(spec.given([onboarded, closed]).when(command)).toEqual({ refused: 'tenancy.merchant_closed' });
    });

    it('decides nothing when closed again', () => {
      expect(spec.given([onboarded, suspended, closed]).when(close('again'))).toEqual({ events: [] });
    });
  });

  describe('evolve', () => {
    it('drops the suspension details on reactivation', () => {
      const reactivated: MerchantEvent = { type: 'MerchantReactivated', data: { merchantId, reactivatedAt: LATER } };
      expect(evolveAll(merchantDecider, [onboarded, suspended, reactivated])).toEqual({
        status: 'active',
        merchantId,
        clientPartnerId,
        legalName: 'Ichiban KK',
        displayName: 'Ramen Ichiban',
        onboardedAt: NOW,
      });
    });

    it('keeps the record and the closure reason when closing', () => {
      expect(evolveAll(merchantDecider, [onboarded, suspended, closed])).toEqual({
        status: 'closed',
        merchantId,
        clientPartnerId,
        legalName: 'Ichiban KK',
        displayName: 'Ramen Ichiban',
        onboardedAt: NOW,
        closedAt: LATER,
        closureReason: 'contract ended',
      });
    });

    const reactivated: MerchantEvent = { type: 'MerchantReactivated', data: { merchantId, reactivatedAt: LATER } };
    const renamed: MerchantEvent = {
      type: 'MerchantRenamed',
      data: { merchantId, legalName: 'X', displayName: 'X', renamedAt: LATER },
    };

    it.each([
      ['a reactivation of a closed merchant', evolveAll(merchantDecider, [onboarded, closed]), reactivated],
      ['a rename before onboarding', initialMerchantState(), renamed],
      ['a second onboarding', evolveAll(merchantDecider, [onboarded]), onboarded],
    ] as const)('ignores %s instead of throwing', (_case, state: MerchantState, event) => {
      expect(evolveMerchant(state, event)).toBe(state);
    });
  });

  describe('invariants over random command sequences', () => {
    const names = fc.constantFrom('Ichiban KK', 'Ramen Ichiban', 'B');
    const command: fc.Arbitrary<MerchantCommand> = fc.oneof(
      fc.constantFrom<ClientPartnerStatus>('active', 'suspended', 'unregistered').map((status) => onboard(status)),
      fc.tuple(names, names).map(([legalName, displayName]) => rename(legalName, displayName)),
      fc.constantFrom(suspend(), suspend('other'), reactivate, close(), close('other')),
    );
    const allowedTransitions = new Set([
      'not_onboarded -OnboardMerchant-> active',
      'active -SuspendMerchant-> suspended',
      'suspended -ReactivateMerchant-> active',
      'active -CloseMerchant-> closed',
      'suspended -CloseMerchant-> closed',
    ]);

    it('changes status only along the allowed transitions, replays deterministically, and re-issues idempotently', () => {
      const seen = new Set<string>();
      fc.assert(
        fc.property(fc.array(command, { maxLength: 30, size: 'max' }), (commands) => {
          const run = runCommands(merchantDecider, commands);
          for (const step of run.steps) {
            const transition = `${step.before.status} -${step.command.type}-> ${step.after.status}`;
            if (step.before.status !== step.after.status) expect(allowedTransitions).toContain(transition);
            seen.add(transition);
            if (step.before.status === 'closed') expect(step.after).toBe(step.before);
            if ('events' in step.outcome && step.outcome.events.length > 0) expect(step.after).not.toEqual(step.before);
            if (step.reissue !== undefined) expect(step.reissue).toEqual({ events: [] });
          }
          expect(evolveAll(merchantDecider, run.events)).toEqual(run.state);
        }),
      );
      // The generator reaches every allowed transition, so the property is not vacuous.
      for (const transition of allowedTransitions) expect(seen).toContain(transition);
    });
  });
});
