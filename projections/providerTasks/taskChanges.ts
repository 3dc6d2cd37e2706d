/**
 * What one PaymentIntent event means for the provider's to-do list (see schemas/readModels/providerTasks.ts):
 * tasks it opens and tasks it closes. Pure: the changes are derived from the event and the intent's
 * facts kept by the projection (capture method, the QR attempt, the provider's payment id), which the
 * event also updates. Only `pgw_processed` intents have provider work.
 */
import type { PaymentIntentEvent } from '../../domain/paymentIntent/index.js';
import { CANCELED_AT_PROVIDER, type ProviderTaskKind } from '../../schemas/readModels/providerTasks.js';

/** First provider query after a QR is shown or an outcome became unknown (payments.md §4.1: every 2–3 s). */
export const FIRST_QUERY_AFTER_MS = 2_000;

/** When a failed or canceled attempt is looked at once more for a payment that arrived anyway. */
export const RECHECK_AFTER_MS = 60_000;

export type IntentFacts = {
  payment_intent_id: string;
  capture_method: 'automatic' | 'manual';
  intent_expires_at: string;
  attempt_id: string | null;
  code_id: string | null;
  qr_expires_at: string | null;
  provider_payment_id: string | null;
};

export type OpenedTask = {
  task_id: string;
  kind: ProviderTaskKind;
  payment_intent_id: string;
  attempt_id: string;
  refund_id: string | null;
  provider: string;
  store_id: string;
  terminal_id: string;
  capture_method: 'automatic' | 'manual';
  currency: string;
  amount: number;
  provider_payment_id: string | null;
  code_id: string | null;
  qr_expires_at: string | null;
  intent_expires_at: string | null;
  opened_at: string;
  due_at: string;
  detail: string | null;
};

export type ClosedTask = { task_id: string; done_at: string; outcome: string };

export type TaskChanges = { opened: OpenedTask[]; closed: ClosedTask[] };

export const taskId = (kind: ProviderTaskKind, reference: string): string => `${kind}:${reference}`;

const plusMs = (instant: string, ms: number): string => new Date(Date.parse(instant) + ms).toISOString();

type Context = PaymentIntentEvent['data'];

function opened(kind: ProviderTaskKind, context: Context, facts: IntentFacts, fields: Partial<OpenedTask> & { attempt_id: string; amount: number; currency: string }): OpenedTask {
  const reference = fields.refund_id ?? fields.attempt_id;
  return {
    task_id: taskId(kind, reference),
    kind,
    payment_intent_id: context.paymentIntentId,
    refund_id: null,
    provider: context.provider ?? '',
    store_id: context.storeId,
    terminal_id: context.terminalId,
    capture_method: facts.capture_method,
    provider_payment_id: facts.provider_payment_id,
    code_id: null,
    qr_expires_at: null,
    intent_expires_at: facts.intent_expires_at,
    opened_at: context.occurredAt,
    due_at: context.occurredAt,
    detail: null,
    ...fields,
  };
}

const closing = (kinds: readonly ProviderTaskKind[], attemptId: string, at: string, outcome: string): ClosedTask[] =>
  kinds.map((kind) => ({ task_id: taskId(kind, attemptId), done_at: at, outcome }));

const NONE: TaskChanges = { opened: [], closed: [] };

/** The task changes of one event of a `pgw_processed` intent; `facts` is updated in place. */
export function taskChangesOf(event: PaymentIntentEvent, facts: IntentFacts): TaskChanges {
  const context = event.data;
  const at = context.occurredAt;
  switch (event.type) {
    case 'PaymentAttemptStarted': {
      facts.attempt_id = event.data.attemptId;
      facts.code_id = null;
      facts.qr_expires_at = null;
      const { amountMinor, currency } = event.data.amount;
      return { opened: [opened('create_qr', context, facts, { attempt_id: event.data.attemptId, amount: amountMinor, currency })], closed: [] };
    }
    case 'PaymentAttemptQrIssued': {
      facts.code_id = event.data.qr.codeId;
      facts.qr_expires_at = event.data.qr.expiresAt;
      const { amountMinor, currency } = event.data.amount;
      const resolve = opened('resolve', context, facts, {
        attempt_id: event.data.attemptId,
        amount: amountMinor,
        currency,
        code_id: facts.code_id,
        qr_expires_at: facts.qr_expires_at,
        due_at: plusMs(at, FIRST_QUERY_AFTER_MS),
      });
      return { opened: [resolve], closed: closing(['create_qr'], event.data.attemptId, at, 'qr_issued') };
    }
    case 'PaymentAttemptOutcomeUnknown': {
      const { amountMinor, currency } = event.data.amount;
      const resolve = opened('resolve', context, facts, {
        attempt_id: event.data.attemptId,
        amount: amountMinor,
        currency,
        code_id: facts.code_id,
        qr_expires_at: facts.qr_expires_at,
        due_at: plusMs(at, FIRST_QUERY_AFTER_MS),
      });
      return { opened: [resolve], closed: closing(['create_qr'], event.data.attemptId, at, 'unknown') };
    }
    case 'PaymentAttemptSucceeded':
    case 'PaymentAttemptAuthorized': {
      if (event.data.details.type === 'qr') facts.provider_payment_id = event.data.details.providerPaymentId;
      return { opened: [], closed: closing(['create_qr', 'resolve', 'cleanup'], event.data.attemptId, at, event.type === 'PaymentAttemptSucceeded' ? 'succeeded' : 'authorized') };
    }
    case 'PaymentAttemptFailed': {
      const { amountMinor, currency } = event.data.amount;
      const recheck = opened('recheck', context, facts, { attempt_id: event.data.attemptId, amount: amountMinor, currency, due_at: plusMs(at, RECHECK_AFTER_MS) });
      // After a cancel the provider accepted, its status may still show the payment for a while: the money goes back anyway.
      const canceledAtProvider = event.data.error.code === CANCELED_AT_PROVIDER;
      return { opened: canceledAtProvider ? [] : [recheck], closed: closing(['create_qr', 'resolve'], event.data.attemptId, at, 'failed') };
    }
    case 'PaymentAttemptAmountMismatched':
    case 'PaymentAttemptSucceededAfterCancel':
    case 'PaymentAttemptSucceededAfterFailure':
      return compensation(event, context, facts);
    case 'PaymentAttemptCompensated':
      return { opened: [], closed: closing(['compensate'], event.data.attemptId, at, event.data.method) };
    case 'PaymentIntentCanceled':
    case 'PaymentIntentExpired':
      return cleanup(event, context, facts);
    case 'RefundRequested':
    case 'RefundSucceeded':
    case 'RefundFailed':
      return refundTask(event, facts);
    case 'PaymentIntentCaptured':
      return captureTask(event, facts);
    case 'PaymentIntentCreated':
    case 'CashPaymentReceived':
      return NONE;
  }
}

/** A captured QR authorization is captured at the provider too (nothing to capture: the whole hold is released by a cleanup). */
function captureTask(event: Extract<PaymentIntentEvent, { type: 'PaymentIntentCaptured' }>, facts: IntentFacts): TaskChanges {
  const { attemptId, amountCaptured } = event.data;
  if (amountCaptured.amountMinor === 0) return NONE;
  const task = opened('capture', event.data, facts, {
    attempt_id: attemptId,
    amount: amountCaptured.amountMinor,
    currency: amountCaptured.currency,
    provider_payment_id: facts.provider_payment_id,
  });
  return { opened: [task], closed: [] };
}

type RefundEvent = Extract<PaymentIntentEvent, { type: 'RefundRequested' | 'RefundSucceeded' | 'RefundFailed' }>;

/** A QR refund is sent to the provider by a task; its result closes it. */
function refundTask(event: RefundEvent, facts: IntentFacts): TaskChanges {
  const at = event.data.occurredAt;
  if (event.type !== 'RefundRequested') {
    return { opened: [], closed: [{ task_id: taskId('refund', event.data.refundId), done_at: at, outcome: event.type === 'RefundSucceeded' ? 'succeeded' : 'failed' }] };
  }
  if (event.data.paymentMethodType !== 'qr' || facts.attempt_id === null) return NONE;
  const { amountMinor, currency } = event.data.amount;
  return { opened: [opened('refund', event.data, facts, { attempt_id: facts.attempt_id, refund_id: event.data.refundId, amount: amountMinor, currency })], closed: [] };
}

type LateSuccess = Extract<PaymentIntentEvent, { type: 'PaymentAttemptAmountMismatched' | 'PaymentAttemptSucceededAfterCancel' | 'PaymentAttemptSucceededAfterFailure' }>;

function compensation(event: LateSuccess, context: Context, facts: IntentFacts): TaskChanges {
  const { attemptId, reported, requiredCompensation } = event.data;
  const providerPaymentId = reported.details.type === 'qr' ? reported.details.providerPaymentId : null;
  const task = opened('compensate', context, facts, {
    attempt_id: attemptId,
    amount: reported.amount.amountMinor,
    currency: reported.amount.currency,
    provider_payment_id: providerPaymentId,
    detail: requiredCompensation,
  });
  return { opened: [task], closed: closing(['create_qr', 'resolve', 'cleanup', 'recheck'], attemptId, context.occurredAt, 'late_success') };
}

type Closing = Extract<PaymentIntentEvent, { type: 'PaymentIntentCanceled' | 'PaymentIntentExpired' }>;

/** A cancel of an open QR (the customer may still scan it) or of a held authorization leaves work at the provider. */
function cleanup(event: Closing, context: Context, facts: IntentFacts): TaskChanges {
  const { attemptId, statusBefore, amount } = event.data;
  if (attemptId === null) return NONE;
  const closed = closing(['create_qr', 'resolve'], attemptId, context.occurredAt, 'canceled');
  const recheck = opened('recheck', context, facts, {
    attempt_id: attemptId,
    amount: amount.amountMinor,
    currency: amount.currency,
    due_at: plusMs(context.occurredAt, RECHECK_AFTER_MS),
  });
  // From `processing` the provider had already accepted a cancel (the domain requires it): only the recheck is left.
  if (statusBefore !== 'requires_action' && statusBefore !== 'requires_capture') return { opened: [], closed };
  const task = opened('cleanup', context, facts, {
    attempt_id: attemptId,
    amount: amount.amountMinor,
    currency: amount.currency,
    code_id: facts.attempt_id === attemptId ? facts.code_id : null,
    qr_expires_at: facts.attempt_id === attemptId ? facts.qr_expires_at : null,
    detail: statusBefore,
  });
  return { opened: statusBefore === 'requires_action' ? [task, recheck] : [task], closed };
}
