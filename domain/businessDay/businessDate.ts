/**
 * The business date of an instant at a store: the day a sale is reported and settled under.
 *
 * Definition: business day D begins at the first instant at which the store's wall clock shows
 * calendar date D at or after the cut-off time (minutes after local midnight), and lasts until
 * business day D+1 begins. With a cut-off of 240 (04:00), a sale at 02:30 local on 2024-06-02
 * belongs to business date 2024-06-01.
 *
 * `Intl.DateTimeFormat` is a global, not an import, and is deterministic given its inputs (and the
 * runtime's time-zone database), so this stays a pure function.
 *
 * Invariant: the business date never goes backwards as time moves forward. On a night when the
 * clock is set back (end of DST), wall-clock times repeat; a business day that began during the
 * first pass is not re-entered during the second. This assumes, as every zone since 1970 does,
 * that a zone sets its clock back by at most FALL_BACK_WINDOW_MS and at most once in that window.
 */
import { addDays, civilFromDays, daysFromCivil, formatCivilDate, parseCivilDate, parseInstant } from './calendar.js';

export const CUTOFF_MINUTES_MAX = 1439;
const FALL_BACK_WINDOW_MS = 4 * 60 * 60 * 1000;
const BISECTION_STEPS_MAX = 32;
const FORMATTER_CACHE_SIZE_MAX = 256;
export const TIME_ZONE_LENGTH_MAX = 64;

// IANA names: 'UTC', 'Asia/Tokyo', 'America/Argentina/Buenos_Aires', 'Etc/GMT+9'. Deliberately
// case-sensitive, so that one zone is not stored under two spellings.
const timeZonePattern = /^[A-Z][A-Za-z0-9_+-]*(?:\/[A-Z0-9][A-Za-z0-9_+-]*){0,2}$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws a RangeError (from Intl) for a zone the runtime does not know. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached !== undefined) return cached;
  const formatter = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  if (formatters.size >= FORMATTER_CACHE_SIZE_MAX) formatters.clear();
  formatters.set(timeZone, formatter);
  return formatter;
}

/** @example isValidTimeZone('Asia/Tokyo') === true; isValidTimeZone('asia/tokyo') === false */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.length > TIME_ZONE_LENGTH_MAX || !timeZonePattern.test(timeZone)) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export const isValidCutoffMinutes = (cutoffMinutes: number): boolean => Number.isInteger(cutoffMinutes) && cutoffMinutes >= 0 && cutoffMinutes <= CUTOFF_MINUTES_MAX;

/** @example isBusinessDate('2024-02-29') === true; isBusinessDate('2023-02-29') === false */
export const isBusinessDate = (value: string): boolean => parseCivilDate(value) !== undefined;

interface WallClock {
  readonly daysSinceEpoch: number;
  readonly minutesOfDay: number;
  /** Wall clock minus UTC, in whole minutes. */
  readonly offsetMinutes: number;
}

function wallClockAt(formatter: Intl.DateTimeFormat, epochMs: number): WallClock {
  const parts = new Map(formatter.formatToParts(epochMs).map((part) => [part.type, Number(part.value)]));
  const field = (type: Intl.DateTimeFormatPartTypes): number => parts.get(type) ?? Number.NaN;
  const daysSinceEpoch = daysFromCivil({ year: field('year'), month: field('month'), day: field('day') });
  const minutesOfDay = field('hour') * 60 + field('minute');
  const wallSeconds = daysSinceEpoch * 86_400 + minutesOfDay * 60 + field('second');
  const offsetMinutes = Math.round((wallSeconds - Math.floor(epochMs / 1000)) / 60);
  return { daysSinceEpoch, minutesOfDay, offsetMinutes };
}

/** The business date read off the wall clock alone: the calendar date, minus one before the cut-off. */
const wallBusinessDay = (wall: WallClock, cutoffMinutes: number): number => (wall.minutesOfDay < cutoffMinutes ? wall.daysSinceEpoch - 1 : wall.daysSinceEpoch);

/** The last instant (to the second) at or after `fromMs` that still has `offsetMinutes`. */
function lastInstantWithOffset(formatter: Intl.DateTimeFormat, fromMs: number, toMs: number, offsetMinutes: number) {
  let low = fromMs;
  let high = toMs;
  for (let step = 0; step < BISECTION_STEPS_MAX && high - low > 1000; step += 1) {
    const middle = low + Math.floor((high - low) / 2);
    if (wallClockAt(formatter, middle).offsetMinutes === offsetMinutes) low = middle;
    else high = middle;
  }
  return low;
}

/**
 * @param instantIso an ISO-8601 UTC instant, e.g. '2024-06-01T18:30:00Z'
 * @param timeZone an IANA time zone, e.g. 'Asia/Tokyo'
 * @param cutoffMinutes minutes after local midnight at which the business day starts, 0..1439
 * @returns the business date as 'YYYY-MM-DD'
 * @throws RangeError for an invalid instant, time zone or cut-off (a programmer error: stores are
 *   validated when they are opened)
 *
 * @example businessDate('2024-06-01T18:30:00Z', 'Asia/Tokyo', 240) === '2024-06-01' // 03:30 JST on 06-02
 */
export function businessDate(instantIso: string, timeZone: string, cutoffMinutes: number): string {
  const epochMs = parseInstant(instantIso);
  if (epochMs === undefined) throw new RangeError(`Not an ISO-8601 UTC instant: ${instantIso}`);
  if (!isValidCutoffMinutes(cutoffMinutes)) throw new RangeError(`Cut-off out of 0..1439: ${cutoffMinutes}`);
  if (epochMs < WHOLE_MINUTE_OFFSETS_SINCE_MS) return computeBusinessDate(epochMs, timeZone, cutoffMinutes);
  // Since 1972 every zone's offset and every clock change is a whole number of minutes, so all the
  // instants of one UTC minute share their business date: memoize by minute (projections replay
  // millions of events; Intl formatting costs ~10 µs).
  const key = `${timeZone}|${cutoffMinutes}|${Math.floor(epochMs / 60_000)}`;
  const known = businessDateByMinute.get(key);
  if (known !== undefined) return known;
  const date = computeBusinessDate(epochMs, timeZone, cutoffMinutes);
  if (businessDateByMinute.size >= BUSINESS_DATE_MEMO_SIZE_MAX) businessDateByMinute.clear();
  businessDateByMinute.set(key, date);
  return date;
}

const WHOLE_MINUTE_OFFSETS_SINCE_MS = Date.UTC(1972, 0, 1);
const BUSINESS_DATE_MEMO_SIZE_MAX = 16_384;
const businessDateByMinute = new Map<string, string>();

function computeBusinessDate(epochMs: number, timeZone: string, cutoffMinutes: number): string {
  const formatter = formatterFor(timeZone);
  const now = wallClockAt(formatter, epochMs);
  const windowStart = wallClockAt(formatter, epochMs - FALL_BACK_WINDOW_MS);
  let day = wallBusinessDay(now, cutoffMinutes);
  if (windowStart.offsetMinutes > now.offsetMinutes) {
    // The clock was set back within the window: the wall clock just before the change may already
    // have reached a later business day than the repeated wall-clock time shows now.
    const windowStartMs = epochMs - FALL_BACK_WINDOW_MS;
    const beforeChangeMs = lastInstantWithOffset(formatter, windowStartMs, epochMs, windowStart.offsetMinutes);
    day = Math.max(day, wallBusinessDay(wallClockAt(formatter, beforeChangeMs), cutoffMinutes));
  }
  return formatCivilDate(civilFromDays(day));
}

export { addDays };

/**
 * The IANA zone furthest ahead of UTC (UTC+14, Line Islands; POSIX signs are inverted). No store's
 * business date is ever later than the calendar date there: a cut-off only moves a day later.
 */
export const EARLIEST_TIME_ZONE = 'Etc/GMT-14';

/**
 * The latest business date any store can be in at `instantIso`: the calendar date in UTC+14.
 *
 * @example latestBusinessDateAnywhere('2025-06-01T10:00:00.000Z') === '2025-06-02'
 */
export const latestBusinessDateAnywhere = (instantIso: string): string => businessDate(instantIso, EARLIEST_TIME_ZONE, 0);
