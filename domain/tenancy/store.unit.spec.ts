/**
 * Store decider and business-day schedule. Proves that a store opens only under an active merchant
 * (a fact the command carries) with a valid IANA zone and cut-off, recording its first business
 * date; that a change of zone or cut-off is accepted only from a business date that has not begun
 * under either the current or the new settings, supersedes later pending changes, and is bounded;
 * that closing is final; that re-issued commands decide nothing; and that the store's business
 * date honours the schedule across boundaries. As a property over random command sequences at
 * advancing times: statuses change only along open/close, replay is deterministic, an accepted
 * change never alters the business date of an instant already past, and business dates never
 * decrease as time moves forward.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, storeBusinessDate, type BusinessDaySchedule } from '../businessDay/index.js';
import { evolveAll } from './decider.js';
import { runCommands, specify } from '../shared/testing/deciderSpec.js';
import { parseMerchantId, parseStoreId } from './ids.js';
import type { MerchantStatus } from './merchant.js';
import type { StoreEvent, StoreState } from './store.js';
import { storeDecider, type StoreCommand } from './store.decide.js';

const spec = specify(storeDecider);
const storeId = parseStoreId('str_01J0STR0000000000000000001');
const merchantId = parseMerchantId('mer_01J0MER0000000000000000001');
const NOW = '2024-06-01T03:00:00.000Z'; // 12:00 JST, business date 2024-06-01 with a 04:00 cut-off

type OpenData = Partial<{
  name: string;
  timeZone: string;
  cutoffMinutes: number;
  merchantStatus: MerchantStatus;
  now: string;
}>;
const tokyo04 = { timeZone: 'Asia/Tokyo', cutoffMinutes: 240 } as const;
const open = (data: OpenData = {}) =>
  ({
    type: 'OpenStore',
    data: { storeId, merchantId, name: 'Shibuya', ...tokyo04, merchantStatus: 'active', now: NOW, ...data },
  }) as const satisfies StoreCommand;
const change = (effectiveFromBusinessDate: string, cutoffMinutes: number, timeZone = 'Asia/Tokyo', now = NOW) =>
  ({
    type: 'ChangeStoreBusinessDay',
    data: { storeId, timeZone, cutoffMinutes, effectiveFromBusinessDate, now },
  }) as const satisfies StoreCommand;
const close = { type: 'CloseStore', data: { storeId, reason: 'lease ended', now: NOW } } as const;

const opened: StoreEvent = {
  type: 'StoreOpened',
  data: { storeId, merchantId, name: 'Shibuya', ...tokyo04, firstBusinessDate: '2024-06-01', openedAt: NOW },
};
const changed = (effectiveFromBusinessDate: string, cutoffMinutes: number, timeZone = 'Asia/Tokyo'): StoreEvent => ({
  type: 'StoreBusinessDayChanged',
  data: { storeId, timeZone, cutoffMinutes, effectiveFromBusinessDate, changedAt: NOW },
});
const closed: StoreEvent = { type: 'StoreClosed', data: { storeId, reason: 'lease ended', closedAt: NOW } };

const scheduleOf = (state: StoreState): BusinessDaySchedule | undefined => (state.status === 'not_opened' ? undefined : state.businessDaySchedule);

describe('Store', () => {
  describe('when not opened', () => {
    it('opens under an active merchant, recording the first business date', () => {
      expect(spec.given([]).when(open())).toEqual({ events: [opened] });
    });

    it('dates the opening by the cut-off: 02:00 JST with a 04:00 cut-off is the previous business day', () => {
      expect(spec.given([]).when(open({ now: '2024-05-31T17:00:00.000Z' }))).toMatchObject({
        events: [{ data: { firstBusinessDate: '2024-05-31' } }],
      });
    });

    it.each(['not_onboarded', 'suspended', 'closed'] as const)('refuses to open under a %s merchant', (status) => {
      expect(spec.given([]).when(open({ merchantStatus: status }))).toEqual({ refused: 'tenancy.merchant_not_active' });
    });

    it.each([
      ['a lower-case zone', open({ timeZone: 'asia/tokyo' }), 'tenancy.invalid_time_zone'],
      ['an unknown zone', open({ timeZone: 'Asia/Atlantis' }), 'tenancy.invalid_time_zone'],
      ['an offset instead of a zone', open({ timeZone: '+09:00' }), 'tenancy.invalid_time_zone'],
      ['a cut-off of 1440', open({ cutoffMinutes: 1440 }), 'tenancy.invalid_cutoff'],
      ['a fractional cut-off', open({ cutoffMinutes: 90.5 }), 'tenancy.invalid_cutoff'],
      ['a blank name', open({ name: '' }), 'tenancy.invalid_name'],
    ] as const)('refuses to open with %s', (_case, command, code) => {
      expect(spec.given([]).when(command)).toEqual({ refused: code });
    });

    it.each([
      ['ChangeStoreBusinessDay', change('2024-06-10', 300)],
      ['CloseStore', close],
    ] as const)('refuses %s: the store does not exist', (_type, command) => {
      expect(spec.given([]).when(command)).toEqual({ refused: 'tenancy.store_not_found' });
    });
  });

  describe('when open', () => {
    it('decides nothing when opening is re-issued, even if the merchant was suspended since', () => {
      expect(spec.given([opened]).when(open({ merchantStatus: 'suspended' }))).toEqual({ events: [] });
    });

    it('refuses opening with other details', () => {
      expect(spec.given([opened]).when(open({ cutoffMinutes: 0 }))).toEqual({ refused: 'tenancy.store_already_opened' });
    });

    it('schedules a cut-off change from a future business date', () => {
      expect(spec.given([opened]).when(change('2024-06-10', 300))).toEqual({ events: [changed('2024-06-10', 300)] });
    });

    it('decides nothing when the change is re-issued, even after it took effect', () => {
      const afterward = change('2024-06-10', 300, 'Asia/Tokyo', '2024-06-20T03:00:00.000Z');
      expect(spec.given([opened, changed('2024-06-10', 300)]).when(afterward)).toEqual({ events: [] });
    });

    it('decides nothing for a change to the settings already in effect', () => {
      expect(spec.given([opened]).when(change('2024-06-10', 240))).toEqual({ events: [] });
    });

    it.each([
      ['from today', change('2024-06-01', 300), 'tenancy.business_day_change_not_in_future'],
      ['from a past date', change('2024-05-20', 300), 'tenancy.business_day_change_not_in_future'],
      // At 11:00Z it is 01:00 on 06-02 in Kiritimati (UTC+14): the new settings would already be on 06-02.
      ['from a date the new settings have already reached', change('2024-06-02', 0, 'Pacific/Kiritimati', '2024-06-01T11:00:00.000Z'), 'tenancy.business_day_change_not_in_future'],
      ['from a non-existent date', change('2024-02-30', 300), 'tenancy.invalid_business_date'],
      ['to an unknown zone', change('2024-06-10', 300, 'Asia/Atlantis'), 'tenancy.invalid_time_zone'],
      ['to a negative cut-off', change('2024-06-10', -1), 'tenancy.invalid_cutoff'],
    ] as const)('refuses a change %s', (_case, command, code) => {
      expect(spec.given([opened]).when(command)).toEqual({ refused: code });
    });

    it('supersedes a pending change that starts on or after the new one', () => {
      const state = evolveAll(storeDecider, [opened, changed('2024-06-10', 300), changed('2024-06-05', 360)]);
      expect(scheduleOf(state)).toEqual([
        { effectiveFromBusinessDate: '2024-06-01', timeZone: 'Asia/Tokyo', cutoffMinutes: 240 },
        { effectiveFromBusinessDate: '2024-06-05', timeZone: 'Asia/Tokyo', cutoffMinutes: 360 },
      ]);
    });

    it('refuses the change that would exceed 100 business-day periods', () => {
      const history = Array.from({ length: 99 }, (_, index) => changed(addDays('2024-07-01', index), index % 2 === 0 ? 0 : 60));
      expect(spec.given([opened, ...history]).when(change('2025-01-01', 120))).toEqual({
        refused: 'tenancy.business_day_changes_exhausted',
      });
      expect(spec.given([opened, ...history.slice(1)]).when(change('2025-01-01', 120))).toMatchObject({
        events: [{ type: 'StoreBusinessDayChanged' }],
      });
    });

    it('closes', () => {
      expect(spec.given([opened]).when(close)).toEqual({ events: [closed] });
    });
  });

  describe('when closed', () => {
    it('refuses a business-day change', () => {
      expect(spec.given([opened, closed]).when(change('2024-06-10', 300))).toEqual({ refused: 'tenancy.store_closed' });
    });

    it('decides nothing when closed again', () => {
      expect(spec.given([opened, closed]).when(close)).toEqual({ events: [] });
    });
  });

  describe('business date under a schedule', () => {
    const tokyo = { timeZone: 'Asia/Tokyo' };
    const scheduleWith = (...periods: [string, number, string?][]): BusinessDaySchedule => {
      const [first, ...rest] = periods.map(([effectiveFromBusinessDate, cutoffMinutes, timeZone]) => ({
        effectiveFromBusinessDate,
        cutoffMinutes,
        timeZone: timeZone ?? tokyo.timeZone,
      }));
      if (first === undefined) throw new Error('a schedule has at least one period');
      return [first, ...rest];
    };

    const earlierCutoff = scheduleWith(['2024-06-01', 240], ['2024-06-10', 120]);
    const laterCutoff = scheduleWith(['2024-06-01', 120], ['2024-06-10', 240]);
    const westward = scheduleWith(['2024-06-01', 0], ['2024-06-10', 0, 'America/Los_Angeles']);

    it.each([
      // Cut-off moves earlier (04:00 → 02:00) from 06-10: business day 06-09 ends at 02:00.
      ['an earlier cut-off, 01:59 JST on 06-10', earlierCutoff, '2024-06-09T16:59:00Z', '2024-06-09'],
      ['an earlier cut-off, 02:00 JST on 06-10', earlierCutoff, '2024-06-09T17:00:00Z', '2024-06-10'],
      // Cut-off moves later (02:00 → 04:00) from 06-10: 06-10 begins at 04:00, so 06-09 runs 26 hours.
      ['a later cut-off, 03:59 JST on 06-10', laterCutoff, '2024-06-09T18:59:00Z', '2024-06-09'],
      ['a later cut-off, 04:00 JST on 06-10', laterCutoff, '2024-06-09T19:00:00Z', '2024-06-10'],
      ['a later cut-off, 03:59 JST on 06-11', laterCutoff, '2024-06-10T18:59:00Z', '2024-06-10'],
      // Tokyo → Los Angeles from 06-10: 06-09 runs on until midnight in Los Angeles (07:00Z), not Tokyo's.
      ['a westward move, 09:00 JST on 06-10', westward, '2024-06-10T00:00:00Z', '2024-06-09'],
      ['a westward move, 23:59 PDT on 06-09', westward, '2024-06-10T06:59:00Z', '2024-06-09'],
      ['a westward move, 00:00 PDT on 06-10', westward, '2024-06-10T07:00:00Z', '2024-06-10'],
      ['the opening settings before the store opened', scheduleWith(['2024-06-01', 240]), '2024-01-01T00:00:00Z', '2024-01-01'],
    ] as const)('follows %s', (_case, schedule, instant, expected) => {
      expect(storeBusinessDate(schedule, instant)).toBe(expected);
    });
  });

  describe('invariants over random command sequences', () => {
    const zones = fc.constantFrom('Asia/Tokyo', 'America/New_York', 'Pacific/Kiritimati', 'America/Los_Angeles');
    const cutoffs = fc.constantFrom(0, 240, 1439);
    type Template = (now: string) => StoreCommand;
    const template: fc.Arbitrary<Template> = fc.oneof(
      fc
        .record({ timeZone: zones, cutoffMinutes: cutoffs, merchantStatus: fc.constantFrom<MerchantStatus>('active', 'suspended') })
        .map((data) => (now: string) => open({ ...data, now })),
      fc.tuple(fc.integer({ min: -1, max: 5 }), cutoffs, zones).map(
        ([days, cutoffMinutes, timeZone]) =>
          (now: string) =>
            change(addDays(now.slice(0, 10), days), cutoffMinutes, timeZone, now),
      ),
      fc.constant((now: string) => ({ ...close, data: { ...close.data, now } })),
    );
    const steps = fc.array(fc.tuple(template, fc.integer({ min: 0, max: 3 * 24 * 60 })), { maxLength: 20, size: 'max' });
    const start = Date.parse('2024-06-01T00:00:00Z');
    const minute = 60_000;
    const toIso = (epochMs: number): string => new Date(epochMs).toISOString();

    it('keeps the status graph, replays deterministically, re-issues idempotently and never rewrites a past business date', () => {
      const seen = new Set<string>();
      fc.assert(
        fc.property(steps, (generated) => {
          let clock = start;
          const commands = generated.map(([build, advanceMinutes]) => build(toIso((clock += advanceMinutes * minute))));
          const run = runCommands(storeDecider, commands);
          for (const step of run.steps) {
            if (step.before.status !== step.after.status) {
              expect(['not_opened -OpenStore-> open', 'open -CloseStore-> closed']).toContain(`${step.before.status} -${step.command.type}-> ${step.after.status}`);
            }
            if (step.before.status === 'closed') expect(step.after).toBe(step.before);
            if ('events' in step.outcome && step.outcome.events.length > 0) expect(step.after).not.toEqual(step.before);
            if (step.reissue !== undefined) expect(step.reissue).toEqual({ events: [] });
            seen.add('events' in step.outcome ? `${step.command.type} decided ${step.outcome.events.length}` : step.outcome.refused);
            const before = scheduleOf(step.before);
            const after = scheduleOf(step.after);
            if (before === undefined || after === undefined) continue;
            const nowMs = Date.parse(step.command.data.now);
            for (const backMinutes of [0, 1, 60, 12 * 60, 25 * 60, 4 * 24 * 60]) {
              const past = toIso(nowMs - backMinutes * minute);
              expect(storeBusinessDate(after, past)).toBe(storeBusinessDate(before, past));
            }
          }
          expect(evolveAll(storeDecider, run.events)).toEqual(run.state);
        }),
        // A fixed seed: an idempotent re-issue (decided 0) is rare enough that some random seeds of 100 runs miss it.
        { numRuns: 300, seed: 20_261_207 },
      );
      // The generator reaches accepted, idempotent and refused changes, so the property is not vacuous.
      for (const outcome of ['ChangeStoreBusinessDay decided 1', 'ChangeStoreBusinessDay decided 0', 'tenancy.business_day_change_not_in_future']) {
        expect(seen).toContain(outcome);
      }
    });

    it('never lets a business date decrease as time moves forward', () => {
      fc.assert(
        fc.property(steps, (generated) => {
          let clock = start;
          const commands = generated.map(([build, advanceMinutes]) => build(toIso((clock += advanceMinutes * minute))));
          const schedule = scheduleOf(runCommands(storeDecider, commands).state);
          if (schedule === undefined) return;
          let previous = '';
          for (let at = start; at <= clock + 10 * 24 * 60 * minute; at += 37 * minute) {
            const date = storeBusinessDate(schedule, toIso(at));
            expect(date >= previous).toBe(true);
            previous = date;
          }
        }),
        { numRuns: 30 },
      );
    });
  });
});
