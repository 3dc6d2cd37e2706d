/**
 * A business-date range as a (loose) range of creation instants, so a list filtered by business
 * date is still an index range scan on `(tenant, created_at DESC, id DESC)`; the exact
 * `business_date` condition is applied as well, so looseness costs a few rows, never a wrong one.
 *
 * Why the bounds hold: a business date is the wall-clock date at the store (UTC offset between
 * −12:00 and +14:00) minus one when before the cut-off (00:00–23:59), or a date capped by a
 * schedule change to one of those dates. So an instant's business date lies between its UTC date
 * minus two days and its UTC date plus one day: date D is only ever given to instants in
 * [D − 1 day, D + 3 days) UTC. One more day on each side leaves room for historical offsets.
 */
const DAY_MS = 86_400_000;
const DAYS_BEFORE = 2;
const DAYS_AFTER = 4;

export type CreatedWindow = Readonly<{ createdFrom?: Date; createdBefore?: Date }>;

/** @example createdWindowOfBusinessDates('2025-06-01', '2025-06-01') // 2025-05-30T00:00Z ≤ created_at < 2025-06-05T00:00Z */
export function createdWindowOfBusinessDates(from: string | undefined, to: string | undefined): CreatedWindow {
  const fromMs = from === undefined ? undefined : Date.parse(`${from}T00:00:00Z`) - DAYS_BEFORE * DAY_MS;
  const beforeMs = to === undefined ? undefined : Date.parse(`${to}T00:00:00Z`) + DAYS_AFTER * DAY_MS;
  return {
    ...(fromMs === undefined ? {} : { createdFrom: new Date(fromMs) }),
    ...(beforeMs === undefined ? {} : { createdBefore: new Date(beforeMs) }),
  };
}
