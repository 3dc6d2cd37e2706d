/**
 * The tenancy facts a read model needs to place a payment event: the store's business-day schedule
 * (sales and settlement are reported by business date) and the store's provider fees (the journal
 * and settlement accrue fees at the rate in force when the money moved).
 *
 * Each projection keeps its own copy in its own generation schema (`tenancyReferenceTables`), fed by
 * the same ordered log, so a rebuild needs nothing outside the log and the fee or schedule used for
 * an event is the one in force at that point of the log — never today's.
 *
 * Use per batch: `load` the rows the batch touches, then walk the batch in log order calling
 * `observe` on every event before using `businessDate`/`fees` for it, then `save`.
 *
 * A store with no `StoreOpened` in the log (imported or test data) uses the platform default
 * (`DEFAULT_SCHEDULE` of domain/businessDay: Asia/Tokyo, the business day starting at 00:00). A store × provider with no configuration
 * accrues no fee.
 */
import type { RecordedEvent } from '../../domain/eventStore/index.js';
import { DEFAULT_SCHEDULE, scheduleChange, storeBusinessDate, type BusinessDaySchedule } from '../../domain/businessDay/index.js';
import type { ProviderFees, StoreEvent, StoreProviderConfigEvent } from '../../domain/tenancy/index.js';
import { storeCodec, storeProviderConfigCodec } from '../../schemas/events/index.js';
import type { ProjectionSql } from '../runtime/projector.js';

export const tenancyReferenceTables: readonly string[] = [
  `CREATE TABLE tenancy_store (
     store_id    text PRIMARY KEY,
     merchant_id text NOT NULL,
     schedule    jsonb NOT NULL
   )`,
  `CREATE TABLE tenancy_provider_fees (
     config_id       text PRIMARY KEY,
     store_id        text NOT NULL,
     provider_code   text NOT NULL,
     fee_rate_ppm    integer NOT NULL CHECK (fee_rate_ppm BETWEEN 0 AND 1000000),
     fixed_fee_minor bigint NOT NULL CHECK (fixed_fee_minor >= 0),
     currency        text NOT NULL,
     UNIQUE (store_id, provider_code)
   )`,
];

/** Add these to a projector's filter so it sees the tenancy events (with the PaymentIntent prefix). */
export const TENANCY_REFERENCE_STREAM_PREFIXES: readonly string[] = [storeCodec.streamPrefix, storeProviderConfigCodec.streamPrefix];

type StoreRow = { store_id: string; merchant_id: string; schedule: BusinessDaySchedule };
type FeesRow = { config_id: string; store_id: string; provider_code: string; fee_rate_ppm: number; fixed_fee_minor: string; currency: string };
type StoreFacts = { merchantId: string; schedule: BusinessDaySchedule };
type FeesFacts = { configId: string; storeId: string; providerCode: string; fees: ProviderFees };

const stringField = (event: RecordedEvent, field: string): string | undefined => {
  const value = event.data[field];
  return typeof value === 'string' ? value : undefined;
};

type Mentions = Readonly<{ storeIds: ReadonlySet<string>; configIds: ReadonlySet<string> }>;

/** By batch: the projections reading one page of the log get the same array, so they scan it once. */
const mentionsByBatch = new WeakMap<readonly RecordedEvent[], Mentions>();

/** The stores and provider configurations `events` mention. */
function mentionsOf(events: readonly RecordedEvent[]): Mentions {
  const known = mentionsByBatch.get(events);
  if (known !== undefined) return known;
  const storeIds = new Set<string>();
  const configIds = new Set<string>();
  for (const event of events) {
    const storeId = stringField(event, 'storeId');
    if (storeId !== undefined) storeIds.add(storeId);
    const configId = stringField(event, 'storeProviderConfigId');
    if (configId !== undefined) configIds.add(configId);
  }
  const mentions = { storeIds, configIds };
  mentionsByBatch.set(events, mentions);
  return mentions;
}

export class TenancyReference {
  private readonly stores = new Map<string, StoreFacts>();
  private readonly feesByConfig = new Map<string, FeesFacts>();
  private readonly configByStoreProvider = new Map<string, string>();
  private readonly changedStores = new Set<string>();
  private readonly changedConfigs = new Set<string>();

  private constructor() {}

  /** A reference that knows nothing yet, fed only by `observe` (an as-of fold over the log, infra/entry/audit). */
  static empty(): TenancyReference {
    return new TenancyReference();
  }

  /** Loads the stored facts of every store and provider configuration `events` mention. */
  static async load(sql: ProjectionSql, events: readonly RecordedEvent[]): Promise<TenancyReference> {
    const reference = new TenancyReference();
    const { storeIds, configIds } = mentionsOf(events);
    if (storeIds.size === 0 && configIds.size === 0) return reference;
    // One after the other: both run on the projection's one transaction session.
    const stores = await sql.query<StoreRow>('SELECT store_id, merchant_id, schedule FROM tenancy_store WHERE store_id = ANY ($1::text[])', [[...storeIds]]);
    const fees = await sql.query<FeesRow>(
      `SELECT config_id, store_id, provider_code, fee_rate_ppm, fixed_fee_minor::text AS fixed_fee_minor, currency
         FROM tenancy_provider_fees WHERE store_id = ANY ($1::text[]) OR config_id = ANY ($2::text[])`,
      [[...storeIds], [...configIds]],
    );
    for (const row of stores) reference.stores.set(row.store_id, { merchantId: row.merchant_id, schedule: row.schedule });
    for (const row of fees) {
      const fees: ProviderFees = { feeRatePpm: row.fee_rate_ppm, fixedFeeMinor: Number(row.fixed_fee_minor), currency: row.currency };
      reference.remember({ configId: row.config_id, storeId: row.store_id, providerCode: row.provider_code, fees }, false);
    }
    return reference;
  }

  /**
   * Applies a tenancy event (others are ignored), decoded through its aggregate's codec (one it
   * cannot read throws `UndecodableEventError`: the batch is parked). Call for every event of the
   * batch, in log order.
   */
  observe(event: RecordedEvent): void {
    if (storeCodec.owns(event.stream)) this.observeStore(storeCodec.decode(event));
    else if (storeProviderConfigCodec.owns(event.stream)) this.observeConfig(storeProviderConfigCodec.decode(event));
  }

  /** The business date of `instant` at `storeId`, under the schedule in force at this point of the log. */
  businessDate(storeId: string, instant: string): string {
    return storeBusinessDate(this.stores.get(storeId)?.schedule ?? DEFAULT_SCHEDULE, instant);
  }

  /** The fees of `providerCode` at `storeId` at this point of the log, or null when none is configured. */
  fees(storeId: string, providerCode: string): ProviderFees | null {
    const configId = this.configByStoreProvider.get(`${storeId}|${providerCode}`);
    return configId === undefined ? null : (this.feesByConfig.get(configId)?.fees ?? null);
  }

  /** Writes what `observe` changed. */
  async save(sql: ProjectionSql): Promise<void> {
    const stores = [...this.changedStores].flatMap((storeId) => {
      const facts = this.stores.get(storeId);
      return facts === undefined ? [] : [{ store_id: storeId, merchant_id: facts.merchantId, schedule: facts.schedule }];
    });
    const fees = [...this.changedConfigs].flatMap((configId) => {
      const facts = this.feesByConfig.get(configId);
      if (facts === undefined) return [];
      const { storeId, providerCode, fees } = facts;
      return [{ config_id: configId, store_id: storeId, provider_code: providerCode, fee_rate_ppm: fees.feeRatePpm, fixed_fee_minor: fees.fixedFeeMinor, currency: fees.currency }];
    });
    if (stores.length > 0) {
      await sql.query(
        `INSERT INTO tenancy_store (store_id, merchant_id, schedule)
         SELECT store_id, merchant_id, schedule FROM jsonb_to_recordset($1::jsonb) AS r(store_id text, merchant_id text, schedule jsonb)
         ON CONFLICT (store_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, schedule = EXCLUDED.schedule`,
        [JSON.stringify(stores)],
      );
    }
    if (fees.length > 0) {
      await sql.query(
        `INSERT INTO tenancy_provider_fees (config_id, store_id, provider_code, fee_rate_ppm, fixed_fee_minor, currency)
         SELECT config_id, store_id, provider_code, fee_rate_ppm, fixed_fee_minor, currency
           FROM jsonb_to_recordset($1::jsonb) AS r(config_id text, store_id text, provider_code text, fee_rate_ppm integer, fixed_fee_minor bigint, currency text)
         ON CONFLICT (config_id) DO UPDATE SET fee_rate_ppm = EXCLUDED.fee_rate_ppm, fixed_fee_minor = EXCLUDED.fixed_fee_minor, currency = EXCLUDED.currency`,
        [JSON.stringify(fees)],
      );
    }
    this.changedStores.clear();
    this.changedConfigs.clear();
  }

  private observeStore(event: StoreEvent): void {
    switch (event.type) {
      case 'StoreOpened': {
        const { storeId, merchantId, timeZone, cutoffMinutes, firstBusinessDate } = event.data;
        this.stores.set(storeId, { merchantId, schedule: [{ effectiveFromBusinessDate: firstBusinessDate, timeZone, cutoffMinutes }] });
        this.changedStores.add(storeId);
        return;
      }
      case 'StoreBusinessDayChanged': {
        const { storeId, timeZone, cutoffMinutes, effectiveFromBusinessDate } = event.data;
        const facts = this.stores.get(storeId);
        if (facts === undefined) return;
        this.stores.set(storeId, { ...facts, schedule: scheduleChange(facts.schedule, { effectiveFromBusinessDate, timeZone, cutoffMinutes }) });
        this.changedStores.add(storeId);
        return;
      }
      case 'StoreClosed':
        return;
    }
  }

  private observeConfig(event: StoreProviderConfigEvent): void {
    switch (event.type) {
      case 'StoreProviderConfigured': {
        const { storeProviderConfigId, storeId, providerCode, fees } = event.data;
        this.remember({ configId: storeProviderConfigId, storeId, providerCode, fees }, true);
        return;
      }
      case 'StoreProviderConfigFeesUpdated': {
        const facts = this.feesByConfig.get(event.data.storeProviderConfigId);
        if (facts === undefined) return;
        this.remember({ ...facts, fees: event.data.fees }, true);
        return;
      }
      case 'StoreProviderConfigCredentialsRotated':
      case 'StoreProviderConfigDisabled':
      case 'StoreProviderConfigEnabled':
        return;
    }
  }

  private remember(facts: FeesFacts, changed: boolean): void {
    this.feesByConfig.set(facts.configId, facts);
    this.configByStoreProvider.set(`${facts.storeId}|${facts.providerCode}`, facts.configId);
    if (changed) this.changedConfigs.add(facts.configId);
  }
}
