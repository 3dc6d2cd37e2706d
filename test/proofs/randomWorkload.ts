/**
 * A random but reproducible workload over HTTP, through every mode: cash with change, card
 * (approved, declined then approved, auth-only then partial capture), QR (instant, pre-auth then
 * capture or cancel), cancels before payment, and partial, multiple and full refunds (QR refunds
 * pending until their result, some failing). Intents run concurrently, their steps in order.
 */
import type { HttpCaller } from '../support/testLedger.js';
import { seededRandom } from '../support/seededRandom.js';

type Intent = { id: string; next_action: { attempt_id: string } | null; refunds: { id: string; status: string }[]; amount_received: number };

async function call(caller: HttpCaller, path: string, body: unknown, expected = [200, 201]): Promise<Intent> {
  const response = await caller.post(path, body);
  if (!expected.includes(response.statusCode)) throw new Error(`${path} answered ${response.statusCode}: ${response.body}`);
  return response.json<Intent>();
}

const attemptOf = (intent: Intent): string => {
  if (intent.next_action === null) throw new Error(`intent ${intent.id} has no attempt waiting`);
  return intent.next_action.attempt_id;
};

async function refunds(caller: HttpCaller, server: HttpCaller, random: () => number, intent: Intent, qr: boolean): Promise<void> {
  let left = intent.amount_received;
  const count = Math.floor(random() * 3);
  for (let index = 0; index < count && left > 0; index += 1) {
    const amount = random() < 0.3 ? left : Math.max(1, Math.floor(left * random() * 0.6));
    const after = await call(caller, `/v1/payment_intents/${intent.id}/refunds`, { amount });
    const refund = after.refunds.at(-1);
    if (qr && refund !== undefined && refund.status === 'pending') {
      const succeeded = random() < 0.8;
      await call(
        server,
        `/v1/payment_intents/${intent.id}/refunds/${refund.id}/result`,
        succeeded ? { outcome: 'succeeded', provider_refund_id: `prf_${refund.id}` } : { outcome: 'failed', failure_reason: 'provider refused' },
      );
      if (succeeded) left -= amount;
    } else {
      left -= amount;
    }
  }
}

const approved = (attemptId: string, amount: number, captureBefore: string | null = null) => ({
  attempt_id: attemptId,
  outcome: 'approved',
  amount,
  approval_number: 'A12345',
  masked_pan: '424242******4242',
  brand: 'visa',
  capture_before: captureBefore,
});

async function oneIntent(caller: HttpCaller, server: HttpCaller, random: () => number, n: number): Promise<void> {
  const amount = 100 + Math.floor(random() * 200) * 50;
  const kind = n % 8;
  const inOneDay = new Date(Date.now() + 86_400_000).toISOString();
  const create = (body: Record<string, unknown>) => call(caller, '/v1/payment_intents', { amount, client_reference_id: `proof-${n}`, ...body });
  const confirm = (id: string, method: unknown) => call(caller, `/v1/payment_intents/${id}/confirm`, { payment_method: method });
  switch (kind) {
    case 0:
    case 1: {
      const intent = await create({ mode: 'manual' });
      const paid = await confirm(intent.id, { type: 'cash', tendered: amount + Math.floor(random() * 1000) });
      return refunds(caller, server, random, paid, false);
    }
    case 2: {
      const intent = await create({ mode: 'external' });
      const started = await confirm(intent.id, { type: 'card' });
      let paid: Intent;
      if (random() < 0.4) {
        await call(caller, `/v1/payment_intents/${intent.id}/card_result`, {
          attempt_id: attemptOf(started),
          outcome: 'declined',
          decline_code: 'insufficient_funds',
          message: 'Declined',
        });
        const again = await confirm(intent.id, { type: 'card' });
        paid = await call(caller, `/v1/payment_intents/${intent.id}/card_result`, approved(attemptOf(again), amount));
      } else {
        paid = await call(caller, `/v1/payment_intents/${intent.id}/card_result`, approved(attemptOf(started), amount));
      }
      return refunds(caller, server, random, paid, false);
    }
    case 3: {
      const intent = await create({ mode: 'external', capture_method: 'manual' });
      const started = await confirm(intent.id, { type: 'card' });
      await call(caller, `/v1/payment_intents/${intent.id}/card_result`, approved(attemptOf(started), amount, inOneDay));
      if (random() < 0.3) {
        await call(caller, `/v1/payment_intents/${intent.id}/cancel`, { cancellation_reason: 'requested_by_customer' });
        return;
      }
      const captured = await call(caller, `/v1/payment_intents/${intent.id}/capture`, { amount_to_capture: Math.max(1, Math.floor(amount * (0.5 + random() / 2))) });
      return refunds(caller, server, random, captured, false);
    }
    case 4:
    case 5: {
      const intent = await create({ mode: 'pgw_processed', provider: 'paypay' });
      const started = await confirm(intent.id, { type: 'qr' });
      const paid = await call(server, `/v1/payment_intents/${intent.id}/provider_result`, {
        attempt_id: attemptOf(started),
        outcome: 'succeeded',
        amount,
        provider_payment_id: `pp_${intent.id}`,
      });
      return refunds(caller, server, random, paid, true);
    }
    case 6: {
      const intent = await create({ mode: 'pgw_processed', provider: 'paypay', capture_method: 'manual' });
      const started = await confirm(intent.id, { type: 'qr' });
      await call(server, `/v1/payment_intents/${intent.id}/provider_result`, {
        attempt_id: attemptOf(started),
        outcome: 'authorized',
        amount,
        provider_payment_id: `pp_${intent.id}`,
        capture_before: inOneDay,
      });
      if (random() < 0.5) {
        await call(caller, `/v1/payment_intents/${intent.id}/cancel`, { cancellation_reason: 'abandoned' });
        return;
      }
      const captured = await call(caller, `/v1/payment_intents/${intent.id}/capture`, { amount_to_capture: null });
      return refunds(caller, server, random, captured, true);
    }
    default: {
      const intent = await create({ mode: random() < 0.5 ? 'manual' : 'external' });
      await call(caller, `/v1/payment_intents/${intent.id}/cancel`, { cancellation_reason: 'abandoned' });
    }
  }
}

/**
 * Runs `intents` intents, `concurrency` at a time: `terminal` does what a terminal does, `server` (a
 * partner) reports provider results. Fails on any unexpected answer.
 */
export async function runRandomWorkload(terminal: HttpCaller, server: HttpCaller, seed: number, intents: number, concurrency: number): Promise<void> {
  const random = seededRandom(seed);
  const plans = Array.from({ length: intents }, (_, n) => ({ n, random: seededRandom(Math.floor(random() * 2 ** 32)) }));
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < plans.length) {
        const plan = plans[next];
        next += 1;
        if (plan !== undefined) await oneIntent(terminal, server, plan.random, plan.n);
      }
    }),
  );
}
