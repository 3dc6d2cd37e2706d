/** Sales: cash (1001), card / QR auto-capture (1002 / 1003), and the fee accrual on them (3001). */
import type { NonCashChannel } from '../chartOfAccounts.js';
import { channelOf, feeProviderCodeOf, feesPayable, fundsAccount, inputConsumptionTax, mdrFees, receivable, requireNonCash, sales } from '../chartOfAccounts.js';
import { CONSUMPTION_TAX_RATE_PPM, feeFor } from '../../../domain/fees/index.js';
import { TRANSFER_CODES } from '../journalTypes.js';
import type { Draft, Line, Plan, PostingInput, PostingOf } from './plan.js';
import { detailsMetadata, transfer } from './plan.js';

/** 1001 Dr cash:drawer / Cr sales:cash, with tendered and change in the metadata. */
export function cashReceived({ event }: PostingOf<'CashPaymentReceived'>): Plan {
  const { amount, tendered, change, attemptId } = event.data;
  const channel = channelOf(event.data);
  const metadata = { attempt_id: attemptId, tendered_minor: tendered.amountMinor, change_minor: change.amountMinor };
  const lines = transfer({ debit: fundsAccount(event.data, channel), credit: sales(event.data, channel), amountMinor: amount.amountMinor, effect: 'posted' });
  return { drafts: [{ code: TRANSFER_CODES.sale_cash, kind: 'posted', holdKey: null, metadata, lines }], holds: [] };
}

/** 1002 (card) / 1003 (QR) Dr receivable / Cr sales, plus the 3001 fee accrual. */
export function attemptSucceeded(input: PostingOf<'PaymentAttemptSucceeded'>): Plan {
  const { event } = input;
  const { amount, attemptId, details } = event.data;
  const channel = requireNonCash(channelOf(event.data), event.type);
  const code = channel.kind === 'card' ? TRANSFER_CODES.sale_card : TRANSFER_CODES.sale_pgw;
  const metadata = { attempt_id: attemptId, ...detailsMetadata(details) };
  const lines = transfer({ debit: receivable(event.data, channel), credit: sales(event.data, channel), amountMinor: amount.amountMinor, effect: 'posted' });
  const sale: Draft = { code, kind: 'posted', holdKey: null, metadata, lines };
  return { drafts: [sale, ...feeAccrual(input, channel, amount.amountMinor, amount.currency)], holds: [] };
}

/** 3001: Dr fees:mdr, Dr tax:input_consumption / Cr fees_payable; none without fees, in another currency, or at zero. */
export function feeAccrual(input: PostingInput, channel: NonCashChannel, baseMinor: number, currency: string): Draft[] {
  const providerCode = feeProviderCodeOf(channel);
  const fees = providerCode === null ? null : input.feesFor(providerCode);
  const accrual = feeFor(baseMinor, currency, fees);
  if (providerCode === null || fees === null || accrual === null || accrual.mdrMinor === 0) return [];
  const { mdrMinor, taxMinor, mdrRateExact } = accrual;
  const context = input.event.data;
  const lines: Line[] = [{ account: mdrFees(context, channel), direction: 'debit', amountMinor: mdrMinor, effect: 'posted' }];
  if (taxMinor > 0) lines.push({ account: inputConsumptionTax(context), direction: 'debit', amountMinor: taxMinor, effect: 'posted' });
  lines.push({ account: feesPayable(context, channel), direction: 'credit', amountMinor: mdrMinor + taxMinor, effect: 'posted' });
  const metadata = {
    fee_provider_code: providerCode,
    fee_base_minor: baseMinor,
    fee_rate_ppm: fees.feeRatePpm,
    fixed_fee_minor: fees.fixedFeeMinor,
    mdr_rate_exact: mdrRateExact,
    consumption_tax_rate_ppm: CONSUMPTION_TAX_RATE_PPM,
  };
  return [{ code: TRANSFER_CODES.fee_accrual, kind: 'posted', holdKey: null, metadata, lines }];
}
