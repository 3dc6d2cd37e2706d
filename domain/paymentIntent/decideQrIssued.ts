/**
 * RecordQrIssued: the provider reactor records the dynamic QR the provider made for an attempt, so
 * the terminal can show it. Guards, in precedence order: ids and instants → intent exists → QR mode →
 * the attempt exists → the same QR already recorded (`[]`), another one (`qr_already_issued`) → the
 * attempt is the active one in `requires_action` (otherwise an invalid transition: the reactor then
 * deletes the QR at the provider, since nobody may pay it).
 */
import type { RecordQrIssued } from './commands.js';
import { paymentIntentError } from './errors.js';
import type { PaymentAttemptQrIssued } from './events.js';
import { contextOf, invalidTransition, requireExisting, requireIdentifiers, requireInstants, requireMode } from './guards.js';
import { findAttempt } from './state.js';
import type { PaymentIntent } from './state.js';
import type { IssuedQr } from './vocabulary.js';

const sameQr = (left: IssuedQr, right: IssuedQr): boolean =>
  left.codeId === right.codeId && left.url === right.url && left.deeplink === right.deeplink && left.expiresAt === right.expiresAt;

function requireText(qr: IssuedQr): void {
  for (const [field, value] of [
    ['url', qr.url],
    ['deeplink', qr.deeplink],
    ['codeId', qr.codeId],
  ] as const) {
    if (value.length === 0 || value.length > 2_000) throw paymentIntentError('payment_intent.invalid_id', `qr.${field} must be 1–2000 characters.`);
  }
}

export function recordQrIssued(command: RecordQrIssued, state: PaymentIntent): PaymentAttemptQrIssued[] {
  const { data } = command;
  requireIdentifiers({ attemptId: data.attemptId });
  requireInstants({ now: data.now, expiresAt: data.qr.expiresAt });
  requireText(data.qr);
  const existing = requireExisting(state, data.paymentIntentId);
  requireMode(existing, 'qr');
  const attempt = findAttempt(existing, data.attemptId);
  if (attempt === undefined) throw paymentIntentError('payment_intent.attempt_not_found', `No attempt ${data.attemptId} on this intent.`);
  if (attempt.qr !== null) {
    if (sameQr(attempt.qr, data.qr)) return [];
    throw paymentIntentError('payment_intent.qr_already_issued', `Attempt ${data.attemptId} already shows QR ${attempt.qr.codeId}.`);
  }
  const active = existing.status === 'requires_action' && existing.activeAttemptId === data.attemptId;
  if (!active) throw invalidTransition(existing, command.type);
  return [{ type: 'PaymentAttemptQrIssued', data: { ...contextOf(existing, data.now), attemptId: data.attemptId, amount: attempt.amount, qr: data.qr } }];
}
