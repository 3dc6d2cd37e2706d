/**
 * The deterministic simulation's scenarios (docs/simulation.md): one QR payment each, with what the
 * customer does, which provider faults hit it, and what is refunded afterwards, all drawn from the
 * run's seed and the scenario's index — the same seed gives the same plans, so a failing seed
 * reproduces exactly.
 */

/** mulberry32: small, fast, seedable, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What the customer does with the QR the terminal shows. */
export type CustomerBehaviour =
  | 'pays'
  /** Pays another amount than asked (the ledger must give it all back). */
  | 'pays_other_amount'
  /** Backs out in the app (PayPay: FAILED). */
  | 'cancels_in_app'
  /** Walks away: the QR expires unpaid. */
  | 'never_pays'
  /** The terminal cancels, and the customer's payment lands anyway (a late success). */
  | 'pays_after_terminal_cancel'
  /** The QR expired, the ledger failed the attempt, and the payment lands anyway (a late success). */
  | 'pays_after_expiry';

/** A fault the sandbox injects into this scenario's requests (operation × kind, `times` in a row). */
export type PlannedFault = Readonly<{ operation: string; fault: string; times: number }>;

export type ScenarioPlan = Readonly<{
  index: number;
  amount: number;
  customer: CustomerBehaviour;
  faults: readonly PlannedFault[];
  /** Refund amounts asked for once the payment completed (their sum never exceeds the amount). */
  refunds: readonly number[];
}>;

type Weighted<T> = readonly (readonly [T, number])[];

function pick<T>(random: () => number, choices: Weighted<T>): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [choice, weight] of choices) {
    roll -= weight;
    if (roll < 0) return choice;
  }
  const last = choices[choices.length - 1];
  if (last === undefined) throw new Error('no choices');
  return last[0];
}

const CUSTOMERS: Weighted<CustomerBehaviour> = [
  ['pays', 55],
  ['pays_other_amount', 6],
  ['cancels_in_app', 8],
  ['never_pays', 11],
  ['pays_after_terminal_cancel', 10],
  ['pays_after_expiry', 10],
];

/** Per operation: the chance of a fault, and which kinds. */
const FAULTS: readonly Readonly<{ operation: string; chance: number; kinds: Weighted<string> }>[] = [
  {
    operation: 'create_qr',
    chance: 0.12,
    kinds: [
      ['timeout', 1],
      ['lost_answer', 1],
      ['server_error', 1],
      ['unparsable', 1],
    ],
  },
  {
    operation: 'get_payment',
    chance: 0.15,
    kinds: [
      ['timeout', 1],
      ['server_error', 2],
      ['unparsable', 1],
    ],
  },
  {
    operation: 'webhook',
    chance: 0.3,
    kinds: [
      ['drop', 2],
      ['duplicate', 1],
      ['delay', 1],
    ],
  },
  {
    operation: 'delete_qr',
    chance: 0.08,
    kinds: [
      ['server_error', 1],
      ['timeout', 1],
    ],
  },
  {
    operation: 'cancel_payment',
    chance: 0.1,
    kinds: [
      ['server_error', 1],
      ['lost_answer', 1],
    ],
  },
  {
    operation: 'refund',
    chance: 0.15,
    kinds: [
      ['server_error', 1],
      ['lost_answer', 1],
      ['refund_stuck', 2],
    ],
  },
];

/** The plan of scenario `index` of a run with `seed`. */
export function planScenario(seed: number, index: number): ScenarioPlan {
  const random = seededRandom((seed * 1_000_003 + index * 7_919) >>> 0);
  const amount = 100 + Math.floor(random() * 49_900);
  const customer = pick(random, CUSTOMERS);
  const faults: PlannedFault[] = [];
  for (const { operation, chance, kinds } of FAULTS) {
    if (random() < chance) faults.push({ operation, fault: pick(random, kinds), times: 1 + Math.floor(random() * 2) });
  }
  const refunds: number[] = [];
  const refundRoll = random();
  if (refundRoll < 0.25) refunds.push(1 + Math.floor(random() * (amount - 1)));
  else if (refundRoll < 0.35) refunds.push(amount);
  return { index, amount, customer, faults, refunds };
}
