/**
 * Fixed clock, fixed ids and literal builders for PaymentIntent specifications. The expected events
 * are written out field by field here, independently of the decider's code, so a spec compares the
 * decider against the event schema rather than against itself.
 */
import type { Money } from '../../shared/index.js';
import type {
  CardResult,
  CaptureMethod,
  CompensationMethod,
  PaymentIntentCommand,
  PaymentIntentContext,
  PaymentIntentEvent,
  PaymentMode,
  ProviderResult,
  RefundReason,
  UserCancellationReason,
} from '../index.js';
import { acceptedPlacement } from './placement.js';

export const at = {
  created: '2025-06-01T10:00:00.000Z',
  t1: '2025-06-01T10:01:00.000Z',
  t2: '2025-06-01T10:02:00.000Z',
  t3: '2025-06-01T10:03:00.000Z',
  expiresAt: '2025-06-01T10:15:00.000Z',
  captureBefore: '2025-06-08T10:00:00.000Z',
} as const;

export const yen = (amountMinor: number): Money => ({ amountMinor, currency: 'JPY' });
export const price = yen(1100);

export type Setup = Readonly<{ mode: PaymentMode; provider: string | null; captureMethod: CaptureMethod }>;
export const cash: Setup = { mode: 'manual', provider: null, captureMethod: 'automatic' };
export const card: Setup = { mode: 'external', provider: null, captureMethod: 'automatic' };
export const cardAuthOnly: Setup = { mode: 'external', provider: null, captureMethod: 'manual' };
export const qr: Setup = { mode: 'pgw_processed', provider: 'paypay', captureMethod: 'automatic' };
export const qrPreAuth: Setup = { mode: 'pgw_processed', provider: 'paypay', captureMethod: 'manual' };

const ids = {
  paymentIntentId: 'pi_01',
  clientPartnerId: 'cp_01',
  merchantId: 'mer_01',
  storeId: 'str_01',
  terminalId: 'trm_01',
};

export const cardApproval = {
  approvalNumber: '123456',
  slipNumber: '00042',
  maskedPan: '424242******4242',
  brand: 'visa',
} as const;
export const cardDetails = { type: 'card', ...cardApproval } as const;
export const qrDetails = { type: 'qr', providerPaymentId: 'paypay_0001' } as const;

type Data<T extends PaymentIntentCommand['type']> = Extract<PaymentIntentCommand, { type: T }>['data'];

/** Commands for one intent set up as `setup`. Every command happens at `at.t1` unless told otherwise. */
export function commandsFor(setup: Setup) {
  const base = { paymentIntentId: ids.paymentIntentId, now: at.t1 };
  return {
    create: (data: Partial<Data<'CreatePaymentIntent'>> = {}) =>
      ({
        type: 'CreatePaymentIntent',
        data: {
          ...ids,
          ...setup,
          placement: acceptedPlacement(ids, data.provider === undefined ? setup.provider : data.provider),
          now: at.created,
          amount: price,
          clientReferenceId: 'ref_01',
          expiresAt: at.expiresAt,
          ...data,
        },
      }) as const,
    confirm: (attemptId = 'att_1', now: string = at.t1) => {
      const paymentMethod = setup.mode === 'external' ? ({ type: 'card' } as const) : ({ type: 'qr' } as const);
      return { type: 'ConfirmPaymentIntent', data: { ...base, now, attemptId, paymentMethod } } as const;
    },
    confirmCash: (tendered: Money, attemptId = 'att_1', now: string = at.t1) =>
      ({
        type: 'ConfirmPaymentIntent',
        data: { ...base, now, attemptId, paymentMethod: { type: 'cash', tendered } },
      }) as const,
    cardResult: (result: CardResult, attemptId = 'att_1', now: string = at.t2) => ({ type: 'ReportCardResult', data: { ...base, now, attemptId, result } }) as const,
    providerResult: (result: ProviderResult, attemptId = 'att_1', now: string = at.t2) => ({ type: 'ReportProviderResult', data: { ...base, now, attemptId, result } }) as const,
    qrIssued: (attemptId = 'att_1', codeId = 'code_1', now: string = at.t1) =>
      ({
        type: 'RecordQrIssued',
        data: { ...base, now, attemptId, qr: { codeId, url: `https://qr.example/${codeId}`, deeplink: `paypay://payment?link_key=${codeId}`, expiresAt: at.expiresAt } },
      }) as const,
    capture: (amountToCapture: Money | null, now: string = at.t3) => ({ type: 'CapturePaymentIntent', data: { ...base, now, amountToCapture } }) as const,
    cancel: (reason: UserCancellationReason = 'requested_by_customer', providerCancelAccepted = false, now: string = at.t3) =>
      ({ type: 'CancelPaymentIntent', data: { ...base, now, reason, providerCancelAccepted } }) as const,
    expire: (now: string) => ({ type: 'ExpirePaymentIntent', data: { ...base, now } }) as const,
    refund: (refundId: string, amount: Money, reason: RefundReason = 'requested_by_customer', now: string = at.t3) =>
      ({ type: 'CreateRefund', data: { ...base, now, refundId, amount, reason } }) as const,
    refundResult: (refundId: string, result: Data<'ReportRefundResult'>['result'], now: string = at.t3) =>
      ({ type: 'ReportRefundResult', data: { ...base, now, refundId, result } }) as const,
    compensate: (attemptId: string, method: CompensationMethod, now: string = at.t3) => ({ type: 'RecordAttemptCompensation', data: { ...base, now, attemptId, method } }) as const,
  } satisfies Record<string, (...args: never[]) => PaymentIntentCommand>;
}

export const approved = (amount: Money = price, captureBefore: string | null = null): Extract<CardResult, { outcome: 'approved' }> => ({
  outcome: 'approved',
  amount,
  ...cardApproval,
  captureBefore,
});
export const declined: Extract<CardResult, { outcome: 'declined' }> = {
  outcome: 'declined',
  declineCode: 'insufficient_funds',
  message: 'Declined by issuer',
};
export const succeeded = (amount: Money = price): ProviderResult => ({
  outcome: 'succeeded',
  amount,
  providerPaymentId: 'paypay_0001',
});
export const authorized = (amount: Money = price): ProviderResult => ({
  outcome: 'authorized',
  amount,
  providerPaymentId: 'paypay_0001',
  captureBefore: at.captureBefore,
});
export const providerFailed: ProviderResult = {
  outcome: 'failed',
  code: 'USER_CANCELED',
  message: 'The user canceled',
};

type EventData<T extends PaymentIntentEvent['type']> = Omit<Extract<PaymentIntentEvent, { type: T }>['data'], keyof PaymentIntentContext>;

type EventOf = <T extends PaymentIntentEvent['type']>(type: T, occurredAt: string, data: EventData<T>) => Extract<PaymentIntentEvent, { type: T }>;

/** Expected events for one intent set up as `setup`. */
export function eventsFor(setup: Setup) {
  const context = (occurredAt: string): PaymentIntentContext => ({
    ...ids,
    mode: setup.mode,
    provider: setup.provider,
    occurredAt,
  });
  const event: EventOf = <T extends PaymentIntentEvent['type']>(type: T, occurredAt: string, data: EventData<T>) =>
    // The generic spread loses the link between `type` and `data`; `EventData<T>` restores it.
    ({ type, data: { ...context(occurredAt), ...data } }) as unknown as Extract<PaymentIntentEvent, { type: T }>;
  const created = event('PaymentIntentCreated', at.created, {
    amount: price,
    captureMethod: setup.captureMethod,
    clientReferenceId: 'ref_01',
    expiresAt: at.expiresAt,
  });
  return { event, created, ...attemptEvents(event, setup), ...failureEvents(event), ...refundEvents(event, setup) };
}

function attemptEvents(event: EventOf, setup: Setup) {
  const methodType = setup.mode === 'external' ? 'card' : 'qr';
  const details = methodType === 'card' ? cardDetails : qrDetails;
  return {
    started: (attemptId = 'att_1', occurredAt: string = at.t1) =>
      event('PaymentAttemptStarted', occurredAt, {
        attemptId,
        amount: price,
        paymentMethodType: methodType,
        nextAction: methodType === 'card' ? 'launch_external_card_app' : 'display_qr',
      }),
    succeeded: (attemptId = 'att_1', occurredAt: string = at.t2) => event('PaymentAttemptSucceeded', occurredAt, { attemptId, amount: price, details }),
    authorized: (attemptId = 'att_1', occurredAt: string = at.t2) =>
      event('PaymentAttemptAuthorized', occurredAt, {
        attemptId,
        amountAuthorized: price,
        captureBefore: at.captureBefore,
        details,
      }),
    unknown: (attemptId = 'att_1', occurredAt: string = at.t2) => event('PaymentAttemptOutcomeUnknown', occurredAt, { attemptId, amount: price }),
    cashReceived: (tendered: Money, attemptId = 'att_1', occurredAt: string = at.t1) =>
      event('CashPaymentReceived', occurredAt, {
        attemptId,
        amount: price,
        tendered,
        change: yen(tendered.amountMinor - price.amountMinor),
      }),
  };
}

function failureEvents(event: EventOf) {
  return {
    declined: (attemptId = 'att_1', occurredAt: string = at.t2) =>
      event('PaymentAttemptFailed', occurredAt, {
        attemptId,
        amount: price,
        error: {
          type: 'card_error',
          code: 'card_declined',
          declineCode: 'insufficient_funds',
          message: 'Declined by issuer',
          attemptId,
        },
      }),
    providerFailed: (attemptId = 'att_1', occurredAt: string = at.t2) =>
      event('PaymentAttemptFailed', occurredAt, {
        attemptId,
        amount: price,
        error: {
          type: 'provider_error',
          code: 'USER_CANCELED',
          declineCode: null,
          message: 'The user canceled',
          attemptId,
        },
      }),
  };
}

function refundEvents(event: EventOf, setup: Setup) {
  const methodType = { manual: 'cash', external: 'card', pgw_processed: 'qr' } as const;
  return {
    refundRequested: (refundId: string, amount: Money, occurredAt: string = at.t3) =>
      event('RefundRequested', occurredAt, {
        refundId,
        amount,
        reason: 'requested_by_customer',
        paymentMethodType: methodType[setup.mode],
      }),
    refundSucceeded: (refundId: string, amount: Money, providerRefundId: string | null = null, at3: string = at.t3) =>
      event('RefundSucceeded', at3, { refundId, amount, providerRefundId }),
  };
}
