/**
 * The business day: the one module that knows how an instant maps to a store's business date (time
 * zone and cut-off, over a schedule of changes), used by tenancy (stores), projections (sales,
 * journal, settlement), queries (business-date filters) and settlement (closing a day). Pure:
 * `Intl` is a global, and no clock is read.
 */
export {
  CUTOFF_MINUTES_MAX,
  EARLIEST_TIME_ZONE,
  TIME_ZONE_LENGTH_MAX,
  addDays,
  businessDate,
  isBusinessDate,
  isValidCutoffMinutes,
  isValidTimeZone,
  latestBusinessDateAnywhere,
} from './businessDate.js';
export * from './businessDaySchedule.js';
export { isInstant } from './calendar.js';
export { createdWindowOfBusinessDates, type CreatedWindow } from './creationWindow.js';
