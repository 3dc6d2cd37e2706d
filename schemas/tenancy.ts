/**
 * HTTP schemas of tenancy administration (partner servers) and of terminal tokens. Limits mirror
 * the tenancy domain's (domain/tenancy: NAME_LENGTH_MAX, REASON_LENGTH_MAX, TIME_ZONE_LENGTH_MAX,
 * CUTOFF_MINUTES_MAX, FEE_RATE_PPM_MAX, PUBLIC_KEY_LENGTH_MAX, the id formats), so a request the
 * schema lets through is refused by the domain only for a business rule. `schemas/tenancy.unit.spec.ts`
 * keeps the two in step.
 *
 * Provider credentials are accepted in requests and never appear in a response schema.
 */
import { z } from 'zod';
import type { ProviderCode, TerminalModel } from '../domain/tenancy/index.js';
import { storableText } from './text.js';

const ULID_BODY = '[0-7][0-9A-HJKMNP-TV-Z]{25}';
const prefixedId = (prefix: string, description: string) =>
  z
    .string()
    .max(prefix.length + 27)
    .regex(new RegExp(`^${prefix}_${ULID_BODY}$`))
    .describe(description);

export const clientPartnerIdSchema = prefixedId('cp', 'cp_ + ULID');
export const merchantIdSchema = prefixedId('mer', 'mer_ + ULID');
export const storeIdSchema = prefixedId('str', 'str_ + ULID');
export const storeProviderConfigIdSchema = prefixedId('spc', 'spc_ + ULID');
export const terminalIdSchema = prefixedId('trm', 'trm_ + ULID');

const text = (lengthMax: number) => storableText(lengthMax, { controlCharacters: 'refused' });
const instant = z.string().max(40).describe('ISO-8601 UTC instant');

export const NAME_LENGTH_MAX = 200;
export const REASON_LENGTH_MAX = 500;
export const PUBLIC_KEY_LENGTH_MAX = 8_192;
export const CREDENTIAL_ENTRIES_MAX = 16;
export const CREDENTIAL_VALUE_LENGTH_MAX = 512;

export const providerCodeSchema = z.enum(['paypay', 'rakuten_pay', 'd_barai', 'au_pay', 'merpay', 'card'] satisfies ProviderCode[]);
export const terminalModelSchema = z.enum(['S-Pitt Air', 'S-Pitt Mobile'] satisfies TerminalModel[]);

/** Every tenancy command accepts an optional `Idempotency-Key` (tenancy changes move no money). */
export const tenancyCommandHeadersSchema = z.object({ 'idempotency-key': z.string().max(255).optional().describe('Optional: 1–255 printable ASCII characters') }).loose();

////////// Requests

export const merchantParamsSchema = z.object({ merchant_id: merchantIdSchema }).strict();
export const storeParamsSchema = z.object({ store_id: storeIdSchema }).strict();
export const terminalParamsSchema = z.object({ terminal_id: terminalIdSchema }).strict();

export const onboardMerchantBodySchema = z
  .object({ legal_name: text(NAME_LENGTH_MAX), display_name: text(NAME_LENGTH_MAX) })
  .strict()
  .meta({ id: 'OnboardMerchant' });

export const openStoreBodySchema = z
  .object({
    name: text(NAME_LENGTH_MAX),
    time_zone: storableText(64).describe('IANA time zone, e.g. Asia/Tokyo'),
    cutoff_minutes: z.int().min(0).max(1439).describe('Minutes after local midnight at which the business day starts (240 = 04:00)'),
  })
  .strict()
  .meta({ id: 'OpenStore' });

const credentialsSchema = z
  .record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/), storableText(CREDENTIAL_VALUE_LENGTH_MAX))
  .refine((credentials) => {
    const entries = Object.keys(credentials).length;
    return entries >= 1 && entries <= CREDENTIAL_ENTRIES_MAX;
  }, `1 to ${CREDENTIAL_ENTRIES_MAX} entries`)
  .describe('The provider credentials, as strings; encrypted at rest and never returned');

export const configureStoreProviderBodySchema = z
  .object({
    provider_code: providerCodeSchema,
    fee_rate_ppm: z.int().min(0).max(1_000_000).describe('Parts per million of the amount: 3.24 % is 32400'),
    fixed_fee_minor: z.int().min(0).max(99_999_999_999).describe('Per payment, in minor units (JPY has none)'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .max(3)
      .default('JPY'),
    credentials: credentialsSchema,
  })
  .strict()
  .meta({ id: 'ConfigureStoreProvider' });

export const registerTerminalBodySchema = z
  .object({
    device_uuid: z
      .string()
      .max(36)
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      .describe('Lower-case canonical UUID'),
    public_key: storableText(PUBLIC_KEY_LENGTH_MAX).describe('The terminal’s ES256 (P-256) public key, SPKI PEM (BEGIN PUBLIC KEY)'),
    model: terminalModelSchema,
  })
  .strict()
  .meta({ id: 'RegisterTerminal' });

export const deactivateTerminalBodySchema = z
  .object({ reason: text(REASON_LENGTH_MAX) })
  .strict()
  .meta({ id: 'DeactivateTerminal' });

////////// Responses

export const merchantSchema = z
  .object({
    id: merchantIdSchema,
    object: z.literal('merchant'),
    client_partner_id: clientPartnerIdSchema,
    legal_name: z.string().max(NAME_LENGTH_MAX),
    display_name: z.string().max(NAME_LENGTH_MAX),
    status: z.enum(['active', 'suspended', 'closed']),
    onboarded_at: instant,
  })
  .meta({ id: 'Merchant' });

export const storeProviderConfigSchema = z
  .object({
    id: storeProviderConfigIdSchema,
    object: z.literal('store_provider_config'),
    store_id: storeIdSchema,
    provider_code: providerCodeSchema,
    status: z.enum(['enabled', 'disabled']),
    fee_rate_ppm: z.int(),
    fixed_fee_minor: z.int(),
    currency: z.string().max(3),
    credentials_configured: z.literal(true).describe('Credentials are stored encrypted and never returned'),
    encryption_key_id: z.string().max(256),
    configured_at: instant,
  })
  .meta({ id: 'StoreProviderConfig' });

const businessDayPeriodSchema = z.object({
  effective_from_business_date: z.string().max(10),
  time_zone: z.string().max(64),
  cutoff_minutes: z.int(),
});

export const storeSchema = z
  .object({
    id: storeIdSchema,
    object: z.literal('store'),
    merchant_id: merchantIdSchema,
    name: z.string().max(NAME_LENGTH_MAX),
    status: z.enum(['open', 'closed']),
    time_zone: z.string().max(64).describe('In effect today'),
    cutoff_minutes: z.int().describe('In effect today'),
    business_day_schedule: z.array(businessDayPeriodSchema),
    opened_at: instant,
    provider_configs: z.array(storeProviderConfigSchema),
  })
  .meta({ id: 'Store' });

export const terminalSchema = z
  .object({
    id: terminalIdSchema,
    object: z.literal('terminal'),
    merchant_id: merchantIdSchema,
    store_id: storeIdSchema,
    device_uuid: z.string().max(36),
    model: terminalModelSchema,
    public_key: z.string().max(PUBLIC_KEY_LENGTH_MAX),
    status: z.enum(['active', 'deactivated']),
    registered_at: instant,
  })
  .meta({ id: 'Terminal' });

export type MerchantResource = z.infer<typeof merchantSchema>;
export type StoreResource = z.infer<typeof storeSchema>;
export type StoreProviderConfigResource = z.infer<typeof storeProviderConfigSchema>;
export type TerminalResource = z.infer<typeof terminalSchema>;

////////// Terminal tokens

export const terminalTokenRequestSchema = z
  .object({
    terminal_id: terminalIdSchema,
    assertion: z.string().min(1).max(4_096).describe('Compact ES256 JWS: iss = sub = terminal_id, aud = mpac-ledger, iat, exp ≤ iat + 300, jti'),
  })
  .strict()
  .meta({ id: 'TerminalTokenRequest' });

export const terminalTokenResponseSchema = z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.int() }).meta({ id: 'TerminalToken' });
