/**
 * The provider tasks read model's contract (projections/providerTasks writes it; the provider reactor
 * in infra/runtime/reactors reads the open ones and command/providers performs them): the work the
 * ledger owes a QR provider, derived from the PaymentIntent log alone.
 */
export const PROVIDER_TASKS_PROJECTION = 'provider_tasks';

/** The failure code of an attempt the reactor canceled at the provider (its money goes back by the provider's guarantee). */
export const CANCELED_AT_PROVIDER = 'canceled_at_provider';

/**
 * - `create_qr`: an MPM attempt started; create its dynamic QR at the provider (once, ever).
 * - `resolve`: the attempt waits for the customer or its outcome is unknown; query the provider.
 * - `cleanup`: the intent was canceled or expired while its QR was open or its authorization held:
 *   delete the QR (then look for a payment that slipped in) or revert the authorization.
 * - `compensate`: the provider took money the intent could not accept: reverse or refund it.
 * - `refund`: a refund was requested; send it to the provider and record its answer.
 * - `capture`: a held QR authorization was captured (in full or in part); capture it at the provider.
 * - `recheck`: the attempt failed or was canceled; look once more, a minute later (or when a webhook
 *   says so), for a payment that arrived anyway (a late success, which must be compensated).
 */
export const providerTaskKinds = ['create_qr', 'resolve', 'cleanup', 'compensate', 'refund', 'recheck', 'capture'] as const;
export type ProviderTaskKind = (typeof providerTaskKinds)[number];

/** A row of `provider_tasks` as the reactor reads it (bigint as text, instants as ISO strings). */
export type ProviderTaskRow = {
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
  amount: string;
  provider_payment_id: string | null;
  code_id: string | null;
  qr_expires_at: string | null;
  intent_expires_at: string | null;
  opened_at: string;
  due_at: string;
  /** `cleanup`: the intent's status before the cancel; `compensate`: the compensation required. */
  detail: string | null;
};
