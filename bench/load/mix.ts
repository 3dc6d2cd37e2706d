/**
 * The seeds' load-test endpoint shares (environments document, "Scenario 1: Normal Load"), mapped
 * onto this ledger's API. The seeds describe the whole MPAC platform (orders, bills, devices);
 * this ledger is its payment part only, so two of their four endpoints have no counterpart and
 * their shares go to the nearest things a terminal does here:
 *
 * | seed endpoint              | seed share | here                                                                                              | share of requests |
 * | -------------------------- | ---------- | ------------------------------------------------------------------------------------------------- | ----------------- |
 * | POST /v1/payments/create   | 40 %       | payment flows: POST /v1/payment_intents (mode manual = cash, external = card), then               | 40 %              |
 * |                            |            | POST …/:id/confirm, and for card POST …/:id/card_result (body from simulateCardApp)               |                   |
 * | POST /v1/orders            | 20 %       | no counterpart (no orders or bills here; an order's total is the intent's amount): half goes to   | 10 % + 10 %       |
 * |                            |            | more payment flows (an order paid at once), half to POST …/:id/refunds (100 JPY, partial)         |                   |
 * | GET /v1/bills              | 30 %       | no bill API; nearest: GET /v1/payment_intents/:id (one payment's state, as a bill screen reads it) | 30 %              |
 * | GET /v1/devices            | 10 %       | no device management here; replaced by a report query a terminal may call:                        | 10 %              |
 * |                            |            | GET /v1/reports/payment_intents?limit=10 (its store's newest intents, from the read model)        |                   |
 *
 * So: payments 50 % of requests (as many cash flows as card flows: a cash flow is 2 requests, a
 * card flow 3), refunds 10 %, intent reads 30 %, report queries 10 %. Every request is made by a
 * terminal (its own access token); every POST carries an `idempotency-key`.
 */
export type FlowKind = 'cash_payment' | 'card_payment' | 'refund' | 'intent_read' | 'report_query';

export type RequestKind = 'create_cash' | 'confirm_cash' | 'create_card' | 'confirm_card' | 'card_result' | 'refund' | 'intent_read' | 'report_query';

export const REQUEST_SHARES = { payments: 0.5, refunds: 0.1, intentReads: 0.3, reportQueries: 0.1 } as const;

const PAYMENT_PAIR_REQUESTS = 2 + 3;

/** Flows per request of the mix: the cash and card flows each make half the payment pairs. */
export const FLOW_WEIGHTS: Readonly<Record<FlowKind, number>> = {
  cash_payment: REQUEST_SHARES.payments / PAYMENT_PAIR_REQUESTS,
  card_payment: REQUEST_SHARES.payments / PAYMENT_PAIR_REQUESTS,
  refund: REQUEST_SHARES.refunds,
  intent_read: REQUEST_SHARES.intentReads,
  report_query: REQUEST_SHARES.reportQueries,
};

const FLOWS_PER_REQUEST = Object.values(FLOW_WEIGHTS).reduce((sum, weight) => sum + weight, 0);

/** Requests per flow on average (1 / 0.7 ≈ 1.43): flows start at rate / this. */
export const REQUESTS_PER_FLOW = 1 / FLOWS_PER_REQUEST;

const FLOW_ORDER: readonly FlowKind[] = ['cash_payment', 'card_payment', 'refund', 'intent_read', 'report_query'];

/** The flow of a uniform draw in [0, 1). */
export function pickFlow(draw: number): FlowKind {
  let threshold = 0;
  for (const kind of FLOW_ORDER) {
    threshold += FLOW_WEIGHTS[kind] / FLOWS_PER_REQUEST;
    if (draw < threshold) return kind;
  }
  return 'report_query';
}

export type MappingRow = Readonly<{ seedEndpoint: string; seedShare: number; here: readonly string[]; requestShare: number; counterpart: 'yes' | 'none' | 'nearest' }>;

/** The table above, for the JSON result. */
export const ENDPOINT_MAPPING: readonly MappingRow[] = [
  {
    seedEndpoint: 'POST /v1/payments/create',
    seedShare: 0.4,
    here: [
      'POST /v1/payment_intents {mode: manual | external}',
      'POST /v1/payment_intents/:id/confirm {payment_method: cash | card}',
      'POST /v1/payment_intents/:id/card_result (card only; simulateCardApp body)',
    ],
    requestShare: 0.4,
    counterpart: 'yes',
  },
  {
    seedEndpoint: 'POST /v1/orders',
    seedShare: 0.2,
    here: ['none: no orders or bills in this ledger; 10 % more payment flows and 10 % POST /v1/payment_intents/:id/refunds {amount: 100}'],
    requestShare: 0.2,
    counterpart: 'none',
  },
  {
    seedEndpoint: 'GET /v1/bills',
    seedShare: 0.3,
    here: ['GET /v1/payment_intents/:id (no bill API; a payment of this terminal completed earlier in the run)'],
    requestShare: 0.3,
    counterpart: 'nearest',
  },
  {
    seedEndpoint: 'GET /v1/devices',
    seedShare: 0.1,
    here: ['none: no device management here; GET /v1/reports/payment_intents?limit=10 (a report query a terminal may call) instead'],
    requestShare: 0.1,
    counterpart: 'none',
  },
];

export const CASH = { amount: 1200, tendered: 2000 } as const;
export const CARD = { amount: 3000, cardNumber: '4242424242424242' } as const;
export const REFUND_AMOUNT = 100;
export const REPORT_PATH = '/v1/reports/payment_intents?limit=10';
