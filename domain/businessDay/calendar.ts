/**
 * Proleptic Gregorian calendar arithmetic on plain numbers (H. Hinnant's `days_from_civil` and
 * `civil_from_days`), so that instants and dates are parsed strictly and without `Date`, whose
 * parser silently rolls `2024-02-30` over to March.
 */

const MS_PER_DAY = 86_400_000;

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Days since 1970-01-01 (negative before it). */
export function daysFromCivil({ year, month, day }: CivilDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export function civilFromDays(daysSinceEpoch: number): CivilDate {
  const z = daysSinceEpoch + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

export const formatCivilDate = ({ year, month, day }: CivilDate): string => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses 'YYYY-MM-DD' strictly: the date must exist in the calendar. */
export function parseCivilDate(value: string): CivilDate | undefined {
  const match = datePattern.exec(value);
  if (match === null) return undefined;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  const roundTrip = civilFromDays(daysFromCivil(date));
  const exists = roundTrip.month === date.month && roundTrip.day === date.day;
  return exists ? date : undefined;
}

/** @example addDays('2024-03-01', -1) === '2024-02-29' */
export function addDays(date: string, days: number): string {
  const civil = parseCivilDate(date);
  if (civil === undefined) throw new RangeError(`Not a calendar date: ${date}`);
  return formatCivilDate(civilFromDays(daysFromCivil(civil) + days));
}

const instantPattern = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;

/**
 * Parses an ISO-8601 UTC instant ('2024-06-01T03:00:00Z' or with up to 3 fraction digits) into
 * epoch milliseconds. Returns undefined for anything else, including non-existent dates and
 * instants before 1970.
 */
export function parseInstant(value: string): number | undefined {
  const match = instantPattern.exec(value);
  if (match === null) return undefined;
  const date = parseCivilDate(match[1] ?? '');
  const hour = Number(match[2]);
  const minute = Number(match[3]);
  const second = Number(match[4]);
  const millisecond = Number((match[5] ?? '').padEnd(3, '0'));
  if (date === undefined || hour > 23 || minute > 59 || second > 59 || date.year < 1970) return undefined;
  return daysFromCivil(date) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millisecond;
}

export const isInstant = (value: string): boolean => parseInstant(value) !== undefined;
