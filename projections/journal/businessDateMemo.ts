/**
 * The business date of an instant is a function of the store's wall-clock minute (domain/tenancy
 * businessDate.ts: calendar date and minutes of the day against the cut-off), and every time-zone
 * offset and transition since 1972 falls on a whole minute — so all instants of one UTC minute at
 * one store share a business date. Computing one takes two `Intl` calls (~30 µs), the largest cost
 * of a rebuild; this memo asks once per store and UTC minute within a batch.
 *
 * Only for instants written as `toISOString()` writes them (`…T12:34:56.789Z`); anything else is
 * asked as it is. Call `forget()` when the batch changes a store's schedule.
 */
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z$/;

/** `YYYY-MM-DDTHH:MM` of a UTC instant, or the instant itself when it is written another way. */
export function utcMinuteOf(instant: string): string {
  return UTC_INSTANT.test(instant) ? instant.slice(0, 16) : instant;
}

export class BusinessDateMemo {
  private readonly dates = new Map<string, string>();

  constructor(private readonly compute: (storeId: string, instant: string) => string) {}

  businessDate(storeId: string, instant: string): string {
    const key = `${storeId}|${utcMinuteOf(instant)}`;
    const known = this.dates.get(key);
    if (known !== undefined) return known;
    const date = this.compute(storeId, instant);
    this.dates.set(key, date);
    return date;
  }

  forget(): void {
    this.dates.clear();
  }
}
