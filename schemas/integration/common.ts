/**
 * Building blocks of the public integration events (docs/integration-events.md). These schemas
 * describe what consumers in other bounded contexts (device, loyalty) receive; they are NOT the
 * stored domain events and change only by the versioning rules of that document.
 *
 * Objects are `looseObject`s on purpose: within a major version the producer may ADD optional
 * fields, and a consumer validating with these schemas (or the exported JSON Schemas) must keep
 * accepting such messages. Removing or changing a field needs a new major version (`*.v2`).
 */
import { z } from 'zod';

/** Crockford base32 ULID body used by every public id (`pi_`, `cp_`, `mer_`, `str_`, `trm_`). */
const ULID = '[0-9A-HJKMNP-TV-Z]{26}';
const prefixedId = (prefix: string, description: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}_${ULID}$`))
    .describe(description);

export const paymentIntentIdSchema = prefixedId('pi', 'The PaymentIntent: pi_ + ULID. Also the Kafka message key.');
export const clientPartnerIdSchema = prefixedId('cp', 'The API client (partner) that owns the merchant: cp_ + ULID');
export const merchantIdSchema = prefixedId('mer', 'mer_ + ULID');
export const storeIdSchema = prefixedId('str', 'str_ + ULID');
export const terminalIdSchema = prefixedId('trm', 'The terminal the intent was created for: trm_ + ULID');

/** An amount in minor units of `currency` (JPY has no minor unit: 1100 is ¥1,100). Never a float. */
export const amountSchema = z.int().min(0).max(99_999_999_999).describe('Integer amount in minor units of `currency`');
export const currencySchema = z.enum(['JPY', 'USD', 'EUR']).describe('ISO 4217 code');

export const modeSchema = z
  .enum(['manual', 'external', 'pgw_processed'])
  .describe('manual = cash at the till, external = card via the terminal card app, pgw_processed = QR via a provider');

export const paymentMethodTypeSchema = z.enum(['cash', 'card', 'qr']);

/** The fields every payment integration event carries, before its type-specific ones. */
export function envelopeShape<Type extends string>(type: Type, description: string) {
  return {
    id: z.uuid().describe('Unique per integration event and stable across re-deliveries: dedupe on it'),
    type: z.literal(type).describe(description),
    schema_version: z.literal(1).describe('Major version of this event type; equals the schema-version header'),
    occurred_at: z.iso.datetime().describe('When the fact happened (ISO 8601 UTC, milliseconds)'),
    payment_intent_id: paymentIntentIdSchema,
    client_reference_id: z.string().min(1).max(64).nullable().describe('The order or bill reference the terminal attached when it created the intent, if any'),
    client_partner_id: clientPartnerIdSchema,
    merchant_id: merchantIdSchema,
    store_id: storeIdSchema,
    terminal_id: terminalIdSchema,
    mode: modeSchema,
    provider: z
      .string()
      .regex(/^[a-z0-9_]{1,32}$/)
      .nullable()
      .describe('The QR provider (paypay, rakuten_pay, d_barai, au_pay, merpay, …) for pgw_processed; null otherwise'),
    currency: currencySchema,
  } as const;
}
