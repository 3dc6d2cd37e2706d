/**
 * HTTP schemas of the ledger journal (`/v1/ledger/accounts`, `/v1/ledger/entries`): the merchants'
 * double-entry books (payments.md b.2/b.3), served from the `journal` read model — eventually
 * consistent. Amounts are integers in minor units (JPY has none).
 *
 * The transfer and account code lists mirror projections/journal (TRANSFER_CODES, ACCOUNT_CODES);
 * projections/journal/journalSchemas.unit.spec.ts keeps them in step (schemas/ may not import it).
 */
import { z } from 'zod';
import { merchantIdSchema, storeIdSchema } from './tenancy.js';

export const LEDGER_PAGE_SIZE_DEFAULT = 20;
export const LEDGER_PAGE_SIZE_MAX = 100;

/** Transfer codes (payments.md b.2) the journal writes, by name. */
export const transferCodeNames = {
  1001: 'sale_cash',
  1002: 'sale_card',
  1003: 'sale_pgw',
  1010: 'auth_hold',
  1011: 'capture_post',
  1012: 'auth_void',
  2001: 'refund',
  2002: 'reversal',
  3001: 'fee_accrual',
  9001: 'recon_adjustment',
} as const;

/** Chart codes (payments.md b.2) of the accounts the journal posts to. */
export const accountCodes = ['1100', '1200', '1210', '1400', '2100', '2900', '4100', '4190', '5100'] as const;

const transferCodeSchema = z
  .enum(['1001', '1002', '1003', '1010', '1011', '1012', '2001', '2002', '3001', '9001'] satisfies `${keyof typeof transferCodeNames}`[])
  .transform(Number)
  .describe(
    'Transfer code: 1001 sale_cash, 1002 sale_card, 1003 sale_pgw, 1010 auth_hold, 1011 capture_post, 1012 auth_void, 2001 refund, 2002 reversal, 3001 fee_accrual, 9001 recon_adjustment',
  );
const accountCodeSchema = z
  .enum(accountCodes)
  .describe(
    'Chart code: 1100 cash drawer, 1200 QR receivable, 1210 card receivable, 1400 consumption tax on fees, 2100 fees payable, 2900 suspense, 4100 sales, 4190 refunds, 5100 MDR fees',
  );
const instantSchema = z.iso.datetime({ offset: true }).describe('ISO-8601 instant, e.g. 2025-06-01T09:00:00Z or 2025-06-01T18:00:00+09:00');
const limitSchema = z.coerce.number().int().min(1).max(LEDGER_PAGE_SIZE_MAX).default(LEDGER_PAGE_SIZE_DEFAULT).describe('Page size, 1–100 (default 20)');
const paymentIntentIdSchema = z
  .string()
  .regex(/^pi_[0-9A-HJKMNP-TV-Z]{26}$/)
  .describe('pi_ + ULID');
/** `<account path>@<currency>`: an account path holds one balance per currency. */
const accountIdSchema = z
  .string()
  .min(3)
  .max(300)
  .regex(/^[A-Za-z0-9_:]+@[A-Z]{3}$/)
  .describe('An account id: `<account path>@<currency>`');

export const listLedgerAccountsQuerySchema = z
  .object({
    merchant_id: merchantIdSchema.optional().describe('The merchant whose books to show: required for partners; terminals see their own store'),
    store_id: storeIdSchema.optional().describe("Only this store's accounts (merchant-level accounts have no store)"),
    code: accountCodeSchema.optional(),
    as_of: instantSchema.optional().describe('Balances as of this instant: the postings that occurred at or before it (accounts with none are left out)'),
    limit: limitSchema,
    starting_after: accountIdSchema.optional().describe('The id of the last account of the previous page'),
  })
  .strict();

export type ListLedgerAccountsQuery = z.infer<typeof listLedgerAccountsQuerySchema>;

export const listLedgerEntriesQuerySchema = z
  .object({
    merchant_id: merchantIdSchema.optional(),
    store_id: storeIdSchema.optional(),
    payment_intent_id: paymentIntentIdSchema.optional(),
    code: transferCodeSchema.optional(),
    limit: limitSchema,
    starting_after: z.uuid().optional().describe('The id of the last entry of the previous page'),
  })
  .strict();

export type ListLedgerEntriesQuery = z.infer<typeof listLedgerEntriesQuerySchema>;

export const ledgerEntryParamsSchema = z.object({ entry_id: z.uuid().describe('A journal entry id (UUIDv5 of its source event)') }).strict();

const amountSchema = z.int().min(0).describe('Minor units');
const signedAmountSchema = z.int().describe("Minor units; the sign follows the account's normal side");

export const ledgerAccountSchema = z
  .object({
    id: accountIdSchema,
    object: z.literal('ledger_account'),
    account: z.string().describe('Account path, e.g. m:{merchant}:s:{store}:recv:pgw:paypay (payments.md b.2)'),
    currency: z.string(),
    code: accountCodeSchema,
    type: z.enum(['asset', 'liability', 'revenue', 'contra_revenue', 'expense']),
    normal_side: z.enum(['debit', 'credit']).describe('Balance = debits − credits for debit-normal accounts, credits − debits for credit-normal ones'),
    merchant_id: z.string(),
    store_id: z.string().nullable().describe('Null for merchant-level accounts (fees, tax), which only partners see'),
    posted_debits: amountSchema,
    posted_credits: amountSchema,
    pending_debits: amountSchema,
    pending_credits: amountSchema,
    posted_balance: signedAmountSchema,
    pending_balance: signedAmountSchema.describe('Reserved by holds (authorizations, refunds awaiting the provider), not yet posted'),
    as_of: z.string().nullable().describe('The instant of the balances, or null for the latest'),
  })
  .meta({ id: 'LedgerAccount' });

export type LedgerAccount = z.infer<typeof ledgerAccountSchema>;

export const ledgerPostingSchema = z
  .object({
    id: z.uuid(),
    leg: z.int().min(0),
    account: z.string(),
    direction: z.enum(['debit', 'credit']),
    amount: z.int().min(1),
    currency: z.string(),
    effect: z.enum(['posted', 'pending', 'pending_released']).describe('posted moves money; pending reserves it; pending_released returns a reservation (a post or void)'),
  })
  .meta({ id: 'LedgerPosting' });

export const ledgerEntrySchema = z
  .object({
    id: z.uuid(),
    object: z.literal('ledger_entry'),
    code: z.int().describe('Transfer code (payments.md b.2)'),
    code_name: z.string().describe('e.g. sale_card, capture_post, fee_accrual'),
    kind: z.enum(['posted', 'pending', 'post_pending', 'void_pending']),
    payment_intent_id: z.string(),
    merchant_id: z.string(),
    store_id: z.string(),
    occurred_at: z.string(),
    business_date: z.string().describe("The store's business date of occurred_at"),
    event_id: z.uuid().describe('The domain event the entry was made from'),
    log_position: z.string(),
    metadata: z.record(z.string(), z.unknown()),
    postings: z.array(ledgerPostingSchema).describe('Σ debits = Σ credits per currency and effect'),
  })
  .meta({ id: 'LedgerEntry' });

export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

export const ledgerAccountListSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(ledgerAccountSchema).describe('By account path'),
    has_more: z.boolean().describe('More accounts follow: pass the last id as starting_after'),
  })
  .meta({ id: 'LedgerAccountList' });

export const ledgerEntryListSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(ledgerEntrySchema).describe('Newest first (log order)'),
    has_more: z.boolean().describe('More entries follow: pass the last id as starting_after'),
  })
  .meta({ id: 'LedgerEntryList' });
