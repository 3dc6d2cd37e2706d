/**
 * The `payment_intents` read model (ARCHITECTURE.md §7): one row per intent for the report routes'
 * filtered lists and details. Set-based: per batch one SELECT of the touched rows, the fold in
 * memory (foldIntents.ts), one upsert (rows as column arrays, runtime/batchRows.ts) — plus the
 * tenancy reference's own load and save.
 */
import type { RecordedEvent } from '../../domain/eventStore/index.js';
import type { ExistingPaymentIntent } from '../../domain/paymentIntent/index.js';
import { PAYMENT_LOG_FILTER } from '../runtime/paymentLog.js';
import { BatchRows, type ScalarColumn } from '../runtime/batchRows.js';
import type { Projector, ProjectionSql } from '../runtime/projector.js';
import { TenancyReference, tenancyReferenceTables } from '../tenancyReference/index.js';
import type { IntentRow, StoredIntent } from './foldIntents.js';
import { foldIntents, touchedIntentIds } from './foldIntents.js';
import { paymentIntentsTables } from './tables.js';

import { PAYMENT_INTENTS_PROJECTION } from '../../schemas/readModels/paymentIntents.js';

export { PAYMENT_INTENTS_PROJECTION };

type StoredRow = { id: string; state: ExistingPaymentIntent; business_date: string; stream_revision: number };

async function loadIntents(sql: ProjectionSql, ids: readonly string[]): Promise<Map<string, StoredIntent>> {
  const stored = new Map<string, StoredIntent>();
  if (ids.length === 0) return stored;
  const rows = await sql.query<StoredRow>('SELECT id, state, business_date, stream_revision FROM payment_intents WHERE id = ANY ($1::text[])', [ids]);
  for (const row of rows) stored.set(row.id, { state: row.state, businessDate: row.business_date, streamRevision: row.stream_revision });
  return stored;
}

const INTENT_COLUMNS: readonly ScalarColumn[] = [
  ['id', 'text'],
  ['client_partner_id', 'text'],
  ['merchant_id', 'text'],
  ['store_id', 'text'],
  ['terminal_id', 'text'],
  ['mode', 'text'],
  ['provider', 'text'],
  ['status', 'text'],
  ['capture_method', 'text'],
  ['currency', 'text'],
  ['amount', 'bigint'],
  ['amount_received', 'bigint'],
  ['amount_refunded', 'bigint'],
  ['client_reference_id', 'text'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['business_date', 'text'],
  ['last_position', 'text'],
  ['stream_revision', 'integer'],
];

const upsertIntents = (source: string): string => `
  INSERT INTO payment_intents AS t (${INTENT_COLUMNS.map(([name]) => name).join(', ')}, state)
  SELECT * FROM ${source}
  ON CONFLICT (id) DO UPDATE SET
    status = EXCLUDED.status, amount_received = EXCLUDED.amount_received, amount_refunded = EXCLUDED.amount_refunded,
    updated_at = EXCLUDED.updated_at, last_position = EXCLUDED.last_position, stream_revision = EXCLUDED.stream_revision,
    state = EXCLUDED.state`;

const UPSERT_INTENTS = upsertIntents(new BatchRows(INTENT_COLUMNS, ['state']).source('r'));

async function saveIntents(sql: ProjectionSql, rows: readonly IntentRow[]): Promise<void> {
  if (rows.length === 0) return;
  const batch = new BatchRows(INTENT_COLUMNS, ['state']);
  for (const row of rows) {
    batch.add(
      [
        row.id,
        row.client_partner_id,
        row.merchant_id,
        row.store_id,
        row.terminal_id,
        row.mode,
        row.provider,
        row.status,
        row.capture_method,
        row.currency,
        row.amount,
        row.amount_received,
        row.amount_refunded,
        row.client_reference_id,
        row.created_at,
        row.updated_at,
        row.business_date,
        row.last_position,
        row.stream_revision,
      ],
      [row.state],
    );
  }
  await sql.query(UPSERT_INTENTS, batch.parameters());
}

export const paymentIntentsProjector: Projector = Object.freeze({
  name: PAYMENT_INTENTS_PROJECTION,
  version: 2,
  tables: [...tenancyReferenceTables, ...paymentIntentsTables],
  filter: PAYMENT_LOG_FILTER,
  async apply(sql: ProjectionSql, events: readonly RecordedEvent[]): Promise<void> {
    const reference = await TenancyReference.load(sql, events);
    const stored = await loadIntents(sql, touchedIntentIds(events));
    const rows = foldIntents(events, stored, reference);
    await saveIntents(sql, rows);
    await reference.save(sql);
  },
});
