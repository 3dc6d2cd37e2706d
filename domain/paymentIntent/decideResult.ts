/**
 * ReportCardResult and ReportProviderResult: turn what the card app or the QR provider said into
 * one `AttemptReport`, then let `decideAttemptReport` apply it. Guards, in precedence order:
 * ids/timestamps/amount/masked card number → intent exists → the command fits the mode → amount
 * currency → the capture method fits the result (an authorization needs a deadline; an automatic
 * intent is never merely authorized) → then the attempt rules of `decideAttemptReport`.
 */
import type { Money } from '../shared/index.js';
import type { ReportCardResult, ReportProviderResult } from './commands.js';
import { decideAttemptReport } from './decideAttemptReport.js';
import type { AttemptReport } from './decideAttemptReport.js';
import { paymentIntentError } from './errors.js';
import type { PaymentIntentEvent } from './events.js';
import { requireCurrency, requireExisting, requireIdentifiers, requireInstants, requireMode, requirePositiveAmount } from './guards.js';
import type { ExistingPaymentIntent, PaymentIntent } from './state.js';
import type { CardDetails, PositiveOutcome } from './vocabulary.js';

/** The first 6 (or 8) and last 4 digits may show; everything between is masked (PCI DSS 3.4). */
const maskedPanPattern = /^(\d{6}|\d{8})\*+\d{4}$/;

function requireMaskedPan(maskedPan: string): void {
  const lengthFits = maskedPan.length >= 12 && maskedPan.length <= 19;
  if (!lengthFits || !maskedPanPattern.test(maskedPan)) {
    throw paymentIntentError('payment_intent.card_number_not_masked', 'maskedPan must look like 424242******4242.');
  }
}

/** The card app approves; the intent's capture method says whether that took the money or held it. */
function cardOutcome(state: ExistingPaymentIntent, amount: Money, details: CardDetails, captureBefore: string | null): PositiveOutcome {
  if (state.captureMethod === 'automatic') return { outcome: 'succeeded', amount, details, captureBefore: null };
  if (captureBefore === null) {
    throw paymentIntentError('payment_intent.capture_deadline_required', 'An auth-only approval needs captureBefore.');
  }
  return { outcome: 'authorized', amount, details, captureBefore };
}

function cardReport(state: ExistingPaymentIntent, command: ReportCardResult): AttemptReport {
  const { result, attemptId } = command.data;
  switch (result.outcome) {
    case 'approved': {
      const details: CardDetails = {
        type: 'card',
        approvalNumber: result.approvalNumber,
        slipNumber: result.slipNumber,
        maskedPan: result.maskedPan,
        brand: result.brand,
      };
      const amount = requirePositiveAmount(result.amount, 'amount');
      return { kind: 'positive', outcome: cardOutcome(state, amount, details, result.captureBefore) };
    }
    case 'declined': {
      const { declineCode, message } = result;
      return { kind: 'failed', error: { type: 'card_error', code: 'card_declined', declineCode, message, attemptId } };
    }
    case 'unknown':
      return { kind: 'unknown' };
  }
}

export function reportCardResult(command: ReportCardResult, state: PaymentIntent): PaymentIntentEvent[] {
  const { data } = command;
  const { result } = data;
  requireIdentifiers({ attemptId: data.attemptId });
  requireInstants({ now: data.now, captureBefore: result.outcome === 'approved' ? result.captureBefore : null });
  if (result.outcome === 'approved') {
    requirePositiveAmount(result.amount, 'amount');
    requireIdentifiers({ approvalNumber: result.approvalNumber, slipNumber: result.slipNumber });
    requireMaskedPan(result.maskedPan);
  }
  const existing = requireExisting(state, data.paymentIntentId);
  requireMode(existing, 'card');
  if (result.outcome === 'approved') requireCurrency(existing, result.amount, 'amount');
  return decideAttemptReport(existing, data.attemptId, cardReport(existing, command), data.now);
}

function providerReport(state: ExistingPaymentIntent, command: ReportProviderResult): AttemptReport {
  const { result, attemptId } = command.data;
  switch (result.outcome) {
    case 'succeeded': {
      // Taken at once, whatever was asked for: the provider's fact is recorded as it is.
      const amount = requirePositiveAmount(result.amount, 'amount');
      const details = { type: 'qr', providerPaymentId: result.providerPaymentId } as const;
      return { kind: 'positive', outcome: { outcome: 'succeeded', amount, details, captureBefore: null } };
    }
    case 'authorized': {
      if (state.captureMethod === 'automatic') {
        throw paymentIntentError('payment_intent.authorization_not_requested', 'This intent captures automatically.');
      }
      const amount = requirePositiveAmount(result.amount, 'amount');
      const details = { type: 'qr', providerPaymentId: result.providerPaymentId } as const;
      const captureBefore = result.captureBefore;
      return { kind: 'positive', outcome: { outcome: 'authorized', amount, details, captureBefore } };
    }
    case 'failed': {
      const { code, message } = result;
      return { kind: 'failed', error: { type: 'provider_error', code, declineCode: null, message, attemptId } };
    }
    case 'unknown':
      return { kind: 'unknown' };
  }
}

export function reportProviderResult(command: ReportProviderResult, state: PaymentIntent): PaymentIntentEvent[] {
  const { data } = command;
  const { result } = data;
  const positive = result.outcome === 'succeeded' || result.outcome === 'authorized';
  requireIdentifiers({ attemptId: data.attemptId, providerPaymentId: positive ? result.providerPaymentId : null });
  requireInstants({ now: data.now, captureBefore: result.outcome === 'authorized' ? result.captureBefore : null });
  if (positive) requirePositiveAmount(result.amount, 'amount');
  const existing = requireExisting(state, data.paymentIntentId);
  requireMode(existing, 'qr');
  if (positive) requireCurrency(existing, result.amount, 'amount');
  return decideAttemptReport(existing, data.attemptId, providerReport(existing, command), data.now);
}
