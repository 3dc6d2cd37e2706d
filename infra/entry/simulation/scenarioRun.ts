/**
 * One scenario of the simulation as a small state machine, advanced once per world step: create
 * and confirm a QR intent (its faults installed for its attempt), wait for the QR, play the
 * customer's behaviour, retry once with a new attempt after a failure where the plan says so, and
 * ask for the planned refunds once the payment completed.
 */
import { z } from 'zod';
import type { ScenarioPlan } from './scenarioPlan.js';
import type { Answer, World } from './world.js';

type Phase = 'start' | 'wait_qr' | 'wait_expiry' | 'settling' | 'done';

export type ScenarioState = {
  readonly plan: ScenarioPlan;
  phase: Phase;
  intentId: string | null;
  attemptIds: string[];
  refundsAsked: number;
  /** Unexpected answers from the ledger (counted as violations). */
  errors: string[];
};

export const newScenario = (plan: ScenarioPlan): ScenarioState => ({ plan, phase: 'start', intentId: null, attemptIds: [], refundsAsked: 0, errors: [] });

const intentViewSchema = z.looseObject({
  status: z.string(),
  next_action: z.looseObject({ type: z.string(), attempt_id: z.string(), qr: z.unknown().optional() }).nullable(),
});

type IntentView = z.infer<typeof intentViewSchema>;

const view = (answer: Answer): IntentView => intentViewSchema.parse(answer.body);

function expectStatus(state: ScenarioState, what: string, answer: Answer, ...statuses: number[]): boolean {
  if (statuses.includes(answer.status)) return true;
  state.errors.push(`${what} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  return false;
}

async function confirm(world: World, state: ScenarioState): Promise<void> {
  const intentId = state.intentId ?? '';
  const confirmed = await world.call('POST', `/v1/payment_intents/${intentId}/confirm`, { payment_method: { type: 'qr' } });
  if (!expectStatus(state, 'confirm', confirmed, 200)) return void (state.phase = 'done');
  const attemptId = view(confirmed).next_action?.attempt_id;
  if (attemptId === undefined) return void state.errors.push('confirm answered no next_action.attempt_id');
  state.attemptIds.push(attemptId);
  // Faults hit the first attempt only; a retry runs clean, as a customer's second try would.
  if (state.attemptIds.length === 1) for (const fault of state.plan.faults) await world.sandbox.addFault({ ...fault, match: { merchantPaymentId: attemptId } });
  state.phase = 'wait_qr';
}

async function start(world: World, state: ScenarioState): Promise<void> {
  const created = await world.call('POST', '/v1/payment_intents', {
    amount: state.plan.amount,
    mode: 'pgw_processed',
    provider: 'paypay',
    store_id: world.storeId,
    terminal_id: world.terminalId,
    expires_in_seconds: 3_600,
  });
  if (!expectStatus(state, 'create', created, 201)) return void (state.phase = 'done');
  state.intentId = String(created.body.id);
  await confirm(world, state);
}

/** The QR is shown: the customer does what the plan says. */
async function customerActs(world: World, state: ScenarioState, attemptId: string): Promise<void> {
  const { customer, amount } = state.plan;
  state.phase = 'settling';
  if (customer === 'pays') await world.sandbox.drive(attemptId, 'pay');
  else if (customer === 'pays_other_amount') await world.sandbox.drive(attemptId, 'pay', { amount: amount + 7 });
  else if (customer === 'cancels_in_app') await world.sandbox.drive(attemptId, 'cancel');
  else if (customer === 'pays_after_expiry') state.phase = 'wait_expiry';
  else if (customer === 'pays_after_terminal_cancel') {
    const canceled = await world.call('POST', `/v1/payment_intents/${state.intentId ?? ''}/cancel`, { cancellation_reason: 'requested_by_customer' });
    expectStatus(state, 'cancel', canceled, 200);
    // The customer's app had already sent the payment: it lands after the ledger's cancel.
    await world.sandbox.drive(attemptId, 'late_pay');
  }
}

/** After the payment completed: the planned refunds, one per step. */
async function settle(world: World, state: ScenarioState, intent: IntentView): Promise<boolean> {
  if (intent.status === 'processing' || intent.status === 'requires_action') return false;
  if (intent.status === 'completed' && state.refundsAsked < state.plan.refunds.length) {
    const amount = state.plan.refunds[state.refundsAsked] ?? 0;
    state.refundsAsked += 1;
    const refunded = await world.call('POST', `/v1/payment_intents/${state.intentId ?? ''}/refunds`, { amount, reason: 'requested_by_customer' });
    expectStatus(state, 'refund', refunded, 200, 201);
    return false;
  }
  return true;
}

/** One step of the scenario; `done` once nothing more is planned (the world then waits for the reactor to go quiet). */
export async function advanceScenario(world: World, state: ScenarioState): Promise<void> {
  if (state.phase === 'start') return start(world, state);
  if (state.phase === 'done' || state.intentId === null) return;
  const intent = view(await world.call('GET', `/v1/payment_intents/${state.intentId}`));
  const attemptId = state.attemptIds[state.attemptIds.length - 1] ?? '';
  if (state.phase === 'wait_qr') {
    const qrShown = intent.status === 'requires_action' && intent.next_action?.qr !== null && intent.next_action?.qr !== undefined;
    if (qrShown) return customerActs(world, state, attemptId);
    if (intent.status === 'pending' && state.attemptIds.length === 1 && state.plan.customer === 'pays') return confirm(world, state);
    if (intent.status !== 'requires_action' && intent.status !== 'processing') state.phase = 'settling';
    return;
  }
  if (state.phase === 'wait_expiry') {
    if (intent.status === 'pending') {
      await world.sandbox.drive(attemptId, 'late_pay');
      state.phase = 'settling';
    }
    return;
  }
  if (await settle(world, state, intent)) state.phase = 'done';
}
