/**
 * The simulation's invariants, checked for every scenario once the world is quiet (the intent as
 * the ledger answers it, the payment as the provider sandbox holds it), and over the whole journal:
 * - charged_once: the customer is never charged more than the intent's amount, net, over all attempts;
 * - success_accounted: every provider-side payment ends as the intent's completed payment (less its
 *   refunds) or is given back in full (reversed or refunded);
 * - not_processing: no intent is left `processing` once every deadline has passed;
 * - amounts_agree: the ledger's received − refunded equals the provider's net charge;
 * - journal_balances: every journal entry balances per currency and effect.
 */
import { z } from 'zod';
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import type { ProviderPayment } from './sandboxClient.js';
import type { ScenarioState } from './scenarioRun.js';
import type { World } from './world.js';

const ledgerIntentSchema = z.looseObject({
  status: z.string(),
  amount: z.number().int(),
  amount_received: z.number().int(),
  amount_refunded: z.number().int(),
  attempts: z.array(z.looseObject({ id: z.string(), status: z.string() })),
});

export type Violation = Readonly<{ scenario: number; invariant: string; detail: string }>;

const net = (payment: ProviderPayment | undefined): number => (payment === undefined ? 0 : payment.amountPaid - payment.amountRefunded - payment.amountReverted);

export async function checkScenario(world: World, state: ScenarioState): Promise<Violation[]> {
  const scenario = state.plan.index;
  const violations: Violation[] = state.errors.map((detail) => ({ scenario, invariant: 'ledger_answer', detail }));
  if (state.intentId === null) return violations;
  const answer = await world.call('GET', `/v1/payment_intents/${state.intentId}`);
  const intent = ledgerIntentSchema.parse(answer.body);
  const payments = await Promise.all(state.attemptIds.map((attemptId) => world.sandbox.payment(attemptId)));
  const charged = payments.reduce((sum, payment) => sum + net(payment), 0);
  const say = (invariant: string, detail: string): void => {
    violations.push({ scenario, invariant, detail: `${state.intentId ?? ''}: ${detail}` });
  };
  if (charged > intent.amount) say('charged_once', `the customer is charged ${charged} net for an intent of ${intent.amount}`);
  state.attemptIds.forEach((attemptId, index) => {
    const payment = payments[index];
    if (payment === undefined || payment.amountPaid === 0) return;
    const attempt = intent.attempts.find((candidate) => candidate.id === attemptId);
    const completedWithIt = attempt?.status === 'succeeded' && intent.status === 'completed';
    if (!completedWithIt && net(payment) !== 0)
      say('success_accounted', `attempt ${attemptId} took ${payment.amountPaid} at the provider (net ${net(payment)}) but is ${attempt?.status ?? 'unknown'} in the ledger`);
  });
  if (intent.status === 'processing') say('not_processing', 'still processing after every deadline passed');
  const ledgerNet = intent.amount_received - intent.amount_refunded;
  if (ledgerNet !== charged) say('amounts_agree', `ledger received − refunded = ${ledgerNet}, provider net = ${charged}`);
  return violations;
}

/** Entries of the journal read model that do not balance (per currency and effect). */
export async function unbalancedJournalEntries(client: SqlClient, schema: string): Promise<string[]> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`unexpected schema ${schema}`);
  const rows = await client.query<{ entry_id: string }>(
    `SELECT DISTINCT entry_id::text AS entry_id FROM (
       SELECT entry_id FROM "${schema}".journal_postings GROUP BY entry_id, currency, effect
       HAVING sum(CASE direction WHEN 'debit' THEN amount ELSE -amount END) <> 0) unbalanced`,
  );
  return rows.map((row) => row.entry_id);
}
