/**
 * The `payment_intents` read model (ARCHITECTURE.md §7): one row per intent for the report routes'
 * filtered lists and details. Set-based: per batch one SELECT of the touched rows, the fold in
 * memory (foldIntents.ts), one upsert — plus the tenancy reference's own load and save.
 */
import type { RecordedEvent } from '../../domain/eventStore/index.js';
import type { ExistingPaymentIntent } from '../../domain/paymentIntent/index.js';
import { PAYMENT_INTENT_STREAM_PREFIX } from '../../domain/paymentIntent/index.js';
import type { Projector, ProjectionSql } from '../runtime/projector.js';
import { TENANCY_REFERENCE_STREAM_PREFIXES, TenancyReference, tenancyReferenceTables } from '../tenancyReference/index.js';
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

async function saveIntents(sql: ProjectionSql, rows: readonly IntentRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql.query(
    `INSERT INTO payment_intents AS t (id, client_partner_id, merchant_id, store_id, terminal_id, mode, provider, status, capture_method, currency,
       amount, amount_received, amount_refunded, client_reference_id, created_at, updated_at, business_date, last_position, stream_revision, state)
     SELECT id, client_partner_id, merchant_id, store_id, terminal_id, mode, provider, status, capture_method, currency,
            amount, amount_received, amount_refunded, client_reference_id, created_at, updated_at, business_date, last_position, stream_revision, state
       FROM json_to_recordset($1::json) AS r(id text, client_partner_id text, merchant_id text, store_id text, terminal_id text, mode text, provider text,
            status text, capture_method text, currency text, amount bigint, amount_received bigint, amount_refunded bigint, client_reference_id text,
            created_at timestamptz, updated_at timestamptz, business_date text, last_position text, stream_revision integer, state json)
     ON CONFLICT (id) DO UPDATE SET
       status = EXCLUDED.status, amount_received = EXCLUDED.amount_received, amount_refunded = EXCLUDED.amount_refunded,
       updated_at = EXCLUDED.updated_at, last_position = EXCLUDED.last_position, stream_revision = EXCLUDED.stream_revision,
       state = EXCLUDED.state`,
    [JSON.stringify(rows)],
  );
}

export const paymentIntentsProjector: Projector = Object.freeze({
  name: PAYMENT_INTENTS_PROJECTION,
  version: 2,
  tables: [...tenancyReferenceTables, ...paymentIntentsTables],
  filter: { streamPrefixes: [PAYMENT_INTENT_STREAM_PREFIX, ...TENANCY_REFERENCE_STREAM_PREFIXES] },
  async apply(sql: ProjectionSql, events: readonly RecordedEvent[]): Promise<void> {
    const reference = await TenancyReference.load(sql, events);
    const stored = await loadIntents(sql, touchedIntentIds(events));
    const rows = foldIntents(events, stored, reference);
    await saveIntents(sql, rows);
    await reference.save(sql);
  },
});
