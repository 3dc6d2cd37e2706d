/**
 * A store's business-day settings over time. A change of time zone or cut-off takes effect from a
 * given business date, so the store keeps a schedule: periods ordered by strictly increasing
 * `effectiveFromBusinessDate`, the first one starting on the business date the store opened.
 *
 * Invariant: the business date of an instant never goes backwards as time moves forward, across
 * period boundaries too. A period starts at the first instant its own settings call its first
 * date; until then the previous period runs on, but never past the day before. If the new settings
 * start their first day early, the previous period's last day is cut short (possibly to nothing).
 */
import { addDays, businessDate } from './businessDate.js';

export interface BusinessDaySettings {
  readonly timeZone: string;
  readonly cutoffMinutes: number;
}

export interface BusinessDayPeriod extends BusinessDaySettings {
  readonly effectiveFromBusinessDate: string;
}

export type BusinessDaySchedule = readonly [BusinessDayPeriod, ...BusinessDayPeriod[]];

/**
 * The platform default, for a store whose opening is not in the log (imported or test data):
 * Asia/Tokyo, the business day starting at 00:00, from the beginning of time.
 */
export const DEFAULT_SCHEDULE: BusinessDaySchedule = Object.freeze([Object.freeze({ effectiveFromBusinessDate: '0001-01-01', timeZone: 'Asia/Tokyo', cutoffMinutes: 0 })]);

/** Changes are rare (a handful in a store's life); the bound keeps the state small. */
export const BUSINESS_DAY_PERIODS_MAX = 100;

const sameSettings = (left: BusinessDaySettings, right: BusinessDaySettings): boolean => left.timeZone === right.timeZone && left.cutoffMinutes === right.cutoffMinutes;

const samePeriod = (left: BusinessDayPeriod, right: BusinessDayPeriod): boolean => sameSettings(left, right) && left.effectiveFromBusinessDate === right.effectiveFromBusinessDate;

export const sameSchedule = (left: BusinessDaySchedule, right: BusinessDaySchedule): boolean =>
  left.length === right.length &&
  left.every((period, index) => {
    const other = right[index];
    return other !== undefined && samePeriod(period, other);
  });

/**
 * The schedule after a change: periods starting on or after the change's date are superseded, and
 * a change to the settings already in effect is absorbed. Applying the same change twice gives
 * the same schedule, which is what makes a re-issued command decide nothing.
 *
 * @example scheduleChange([{ effectiveFromBusinessDate: '2024-06-01', timeZone: 'Asia/Tokyo', cutoffMinutes: 0 }],
 *   { effectiveFromBusinessDate: '2024-07-01', timeZone: 'Asia/Tokyo', cutoffMinutes: 240 }) // two periods
 */
export function scheduleChange(schedule: BusinessDaySchedule, change: BusinessDayPeriod): BusinessDaySchedule {
  const [first, ...rest] = schedule.filter((period) => period.effectiveFromBusinessDate < change.effectiveFromBusinessDate);
  if (first === undefined) return [change];
  const previous = rest.at(-1) ?? first;
  return sameSettings(previous, change) ? [first, ...rest] : [first, ...rest, change];
}

/** The settings that define business date `date` (the opening settings for any earlier date). */
export function settingsOn(schedule: BusinessDaySchedule, date: string): BusinessDayPeriod {
  return schedule.findLast((period) => period.effectiveFromBusinessDate <= date) ?? schedule[0];
}

/**
 * The store's business date of an instant, honouring every scheduled change.
 *
 * @example storeBusinessDate(state.businessDaySchedule, '2024-06-01T18:30:00Z') === '2024-06-01'
 */
export function storeBusinessDate(schedule: BusinessDaySchedule, instantIso: string): string {
  for (let index = schedule.length - 1; index > 0; index -= 1) {
    const period = schedule[index];
    if (period === undefined) continue;
    const date = businessDate(instantIso, period.timeZone, period.cutoffMinutes);
    if (date >= period.effectiveFromBusinessDate) return capBeforeNext(schedule, index, date);
  }
  const opening = schedule[0];
  return capBeforeNext(schedule, 0, businessDate(instantIso, opening.timeZone, opening.cutoffMinutes));
}

function capBeforeNext(schedule: BusinessDaySchedule, index: number, date: string): string {
  const next = schedule[index + 1];
  if (next === undefined) return date;
  const lastDay = addDays(next.effectiveFromBusinessDate, -1);
  return date < lastDay ? date : lastDay;
}
