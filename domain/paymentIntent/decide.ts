/**
 * The PaymentIntent decider: `decide(command, state) → events`, pure and synchronous. It throws a
 * `DomainError` (see `errors.ts`) to refuse a command and returns `[]` when the command's outcome is
 * already in the state, so a retried command never records anything twice. It needs no expected
 * version: it works on the folded state only, and the command handler appends with the revision
 * it read.
 *
 * One function per command, each in the file of its concern; each file lists its guards in
 * precedence order.
 */
import { AssertionFailedError } from '../shared/index.js';
import type { PaymentIntentCommand } from './commands.js';
import { recordAttemptCompensation } from './decideCompensation.js';
import { cancelPaymentIntent, expirePaymentIntent } from './decideCancel.js';
import { capturePaymentIntent } from './decideCapture.js';
import { confirmPaymentIntent } from './decideConfirm.js';
import { createPaymentIntent } from './decideCreate.js';
import { createRefund, reportRefundResult } from './decideRefund.js';
import { reportCardResult, reportProviderResult } from './decideResult.js';
import { recordQrIssued } from './decideQrIssued.js';
import type { PaymentIntentEvent } from './events.js';
import type { PaymentIntent } from './state.js';

export {
  cancelPaymentIntent,
  capturePaymentIntent,
  confirmPaymentIntent,
  createPaymentIntent,
  createRefund,
  expirePaymentIntent,
  recordAttemptCompensation,
  reportCardResult,
  reportProviderResult,
  reportRefundResult,
};

export function decide(command: PaymentIntentCommand, state: PaymentIntent): PaymentIntentEvent[] {
  switch (command.type) {
    case 'CreatePaymentIntent':
      return createPaymentIntent(command, state);
    case 'ConfirmPaymentIntent':
      return confirmPaymentIntent(command, state);
    case 'ReportCardResult':
      return reportCardResult(command, state);
    case 'ReportProviderResult':
      return reportProviderResult(command, state);
    case 'RecordQrIssued':
      return recordQrIssued(command, state);
    case 'CapturePaymentIntent':
      return capturePaymentIntent(command, state);
    case 'CancelPaymentIntent':
      return cancelPaymentIntent(command, state);
    case 'ExpirePaymentIntent':
      return expirePaymentIntent(command, state);
    case 'CreateRefund':
      return createRefund(command, state);
    case 'ReportRefundResult':
      return reportRefundResult(command, state);
    case 'RecordAttemptCompensation':
      return recordAttemptCompensation(command, state);
    default: {
      const unknownCommand: never = command;
      throw new AssertionFailedError(`unknown command ${JSON.stringify(unknownCommand)}`);
    }
  }
}
