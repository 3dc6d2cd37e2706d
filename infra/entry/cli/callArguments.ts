/**
 * The command line of `npm run -s call`, parsed without I/O:
 *
 *     call [--as partner|terminal|terminal:<n>|terminal:<trm_id>] [--key K] [--url URL] METHOD PATH [JSON_BODY]
 *     call [--as …] card-app <pi_id|@last> <card number>
 *     call register-terminal --store <str_id> [--name N]
 *     call --help
 *
 * and the placeholders (`@last`, `@attempt` from what earlier calls remembered; `@merchant`,
 * `@storeN`, `@terminalN` from the demo credentials).
 */

/** Who signs: the partner (HMAC), or a terminal by its position in the demo (1, 2, …) or its id. */
export type Caller = Readonly<{ kind: 'partner' }> | Readonly<{ kind: 'terminal'; reference: string }>;

export type CallCommand =
  | Readonly<{ kind: 'request'; method: string; path: string; body: string | undefined }>
  | Readonly<{ kind: 'card-app'; paymentIntent: string; cardNumber: string }>
  | Readonly<{ kind: 'register-terminal'; storeId: string; name: string | undefined }>
  | Readonly<{ kind: 'customer'; action: CustomerAction; paymentIntent: string; amount: number | undefined }>
  | Readonly<{ kind: 'help' }>;

/** What the customer does with a displayed QR, in the provider sandbox. */
export type CustomerAction = 'pay' | 'cancel' | 'expire';

const CUSTOMER_VERBS: Readonly<Record<string, CustomerAction>> = { 'customer-pays': 'pay', 'customer-cancels': 'cancel', 'qr-expires': 'expire' };

export type CallArguments = Readonly<{
  caller: Caller;
  /** `--key`: reuse an Idempotency-Key (a retry, to see the replay); otherwise a fresh one per POST. */
  idempotencyKey: string | undefined;
  /** `--url`: where the ledger listens; otherwise LEDGER_URL or http://127.0.0.1:3000. */
  url: string | undefined;
  command: CallCommand;
}>;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = [
  'usage: npm run -s call -- [--as partner|terminal|terminal:<n>|terminal:<trm_id>] [--key K] [--url URL] METHOD PATH [JSON_BODY]',
  '       npm run -s call -- [--as terminal:<n>] card-app <pi_id|@last> <card number>',
  '       npm run -s call -- register-terminal --store <str_id> [--name N]   (a new terminal with a fresh ES256 key pair)',
  '       npm run -s call -- customer-pays|customer-cancels|qr-expires <pi_id|@last> [amount]   (the customer, in the provider sandbox: SANDBOX_URL)',
  '       npm run -s call -- --help',
  'options: --as (who signs; default terminal:1), --key (reuse an Idempotency-Key), --url (default LEDGER_URL or http://127.0.0.1:3000)',
  'placeholders: @last (the payment intent of the last answer that had one), @attempt (its pending or latest attempt),',
  '              @merchant, @store1, @store2, @terminal1, @terminal2 (the demo tenant)',
].join('\n');

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);
const HELP_FLAGS = new Set(['--help', '-h', 'help']);
const OPTIONS_MAX = 8;

/**
 * Parses `argv` (without node and the script).
 *
 * @example parseCallArguments(['--as', 'terminal:1', 'POST', '/v1/payment_intents', '{"amount":1200,"mode":"manual"}'])
 */
export function parseCallArguments(argv: readonly string[]): CallArguments {
  let caller: Caller = { kind: 'terminal', reference: '1' };
  let idempotencyKey: string | undefined;
  let url: string | undefined;
  let index = 0;
  if (argv.length === 0 || argv.some((argument) => HELP_FLAGS.has(argument))) return { caller, idempotencyKey, url, command: { kind: 'help' } };
  for (let options = 0; options < OPTIONS_MAX && argv[index]?.startsWith('--') === true; options += 1) {
    const [name, value] = [argv[index], argv[index + 1]];
    if (value === undefined) throw new UsageError(`${name ?? ''} needs a value`);
    if (name === '--as') caller = parseCaller(value);
    else if (name === '--key') idempotencyKey = value;
    else if (name === '--url') url = value;
    else throw new UsageError(`unknown option ${name ?? ''}`);
    index += 2;
  }
  return { caller, idempotencyKey, url, command: parseCommand(argv.slice(index)) };
}

function parseCaller(value: string): Caller {
  if (value === 'partner') return { kind: 'partner' };
  if (value === 'terminal') return { kind: 'terminal', reference: '1' };
  const match = /^terminal:(.+)$/.exec(value);
  if (match?.[1] === undefined) throw new UsageError(`--as ${value}: expected partner, terminal, terminal:<n> or terminal:<trm_id>`);
  return { kind: 'terminal', reference: match[1] };
}

function parseCommand(rest: readonly string[]): CallCommand {
  const [first, second, ...more] = rest;
  if (first === 'register-terminal') return parseRegisterTerminal(rest.slice(1));
  const action = first === undefined ? undefined : CUSTOMER_VERBS[first];
  if (action !== undefined) return parseCustomer(action, second, more);
  if (first === undefined || second === undefined) throw new UsageError('expected METHOD PATH [JSON_BODY] or card-app <intent> <card number>');
  if (first === 'card-app') {
    if (more.length === 0) throw new UsageError('card-app needs a card number, e.g. 4242424242424242');
    return { kind: 'card-app', paymentIntent: second, cardNumber: more.join('') };
  }
  const method = first.toUpperCase();
  if (!METHODS.has(method)) throw new UsageError(`unknown method ${first}`);
  if (!second.startsWith('/')) throw new UsageError(`the path must start with /, got ${second}`);
  if (more.length > 1) throw new UsageError('the JSON body must be one argument: quote it');
  return { kind: 'request', method, path: second, body: more[0] };
}

function parseCustomer(action: CustomerAction, paymentIntent: string | undefined, more: readonly string[]): CallCommand {
  if (paymentIntent === undefined) throw new UsageError('expected the payment intent, e.g. customer-pays @last');
  const [amountText, ...extra] = more;
  if (extra.length > 0 || (amountText !== undefined && (action !== 'pay' || !/^[0-9]{1,12}$/.test(amountText)))) {
    throw new UsageError('customer-pays <intent> [amount] (the amount, in yen, only to pay a different one); customer-cancels and qr-expires take the intent only');
  }
  return { kind: 'customer', action, paymentIntent, amount: amountText === undefined ? undefined : Number(amountText) };
}

function parseRegisterTerminal(rest: readonly string[]): CallCommand {
  let storeId: string | undefined;
  let name: string | undefined;
  for (let index = 0; index < rest.length; index += 2) {
    const [option, value] = [rest[index], rest[index + 1]];
    if (value === undefined) throw new UsageError(`register-terminal: ${option ?? ''} needs a value`);
    if (option === '--store') storeId = value;
    else if (option === '--name') name = value;
    else throw new UsageError(`register-terminal: unknown option ${option ?? ''} (expected --store <str_id> [--name N])`);
  }
  if (storeId === undefined) throw new UsageError('register-terminal needs --store <str_id> (e.g. @store1)');
  return { kind: 'register-terminal', storeId, name };
}

/** What earlier calls remembered (`data/demo/last.json`). */
export type Remembered = Readonly<{ paymentIntentId?: string | undefined; attemptId?: string | undefined }>;

/** The demo tenant's ids, for `@merchant`, `@store1`, `@terminal2`, … */
export type TenantIds = Readonly<{ merchantId: string; storeIds: readonly string[]; terminalIds: readonly string[] }>;

const PLACEHOLDER = /@(last|attempt|merchant|store[1-9][0-9]*|terminal[1-9][0-9]*)\b/g;

/**
 * Replaces `@last`, `@attempt`, `@merchant`, `@storeN` and `@terminalN` in a path or body; a
 * placeholder nothing fills is an error. Other `@` text is left alone.
 *
 * @example fillPlaceholders('/v1/payment_intents/@last/confirm', { paymentIntentId: 'pi_01…' }) // '/v1/payment_intents/pi_01…/confirm'
 */
export function fillPlaceholders(text: string, remembered: Remembered, tenant?: TenantIds): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = placeholderValue(name, remembered, tenant);
    if (value === undefined) {
      const hint = name === 'last' || name === 'attempt' ? 'create (and confirm) a payment intent first' : 'not in the demo credentials';
      throw new UsageError(`@${name} is not known: ${hint}`);
    }
    return value;
  });
}

function placeholderValue(name: string, remembered: Remembered, tenant: TenantIds | undefined): string | undefined {
  if (name === 'last') return remembered.paymentIntentId;
  if (name === 'attempt') return remembered.attemptId;
  if (name === 'merchant') return tenant?.merchantId;
  const [, kind, position] = /^(store|terminal)([0-9]+)$/.exec(name) ?? [];
  const ids = kind === 'store' ? tenant?.storeIds : tenant?.terminalIds;
  return ids?.[Number(position) - 1];
}

/**
 * What a response teaches about `@last` and `@attempt`: a payment intent's id and its pending
 * attempt (`next_action`), else its latest attempt. Anything else changes nothing.
 *
 * @example rememberFrom({ object: 'payment_intent', id: 'pi_1', next_action: { attempt_id: 'pa_1' } }, {}) // { paymentIntentId: 'pi_1', attemptId: 'pa_1' }
 */
export function rememberFrom(body: unknown, previous: Remembered): Remembered {
  if (!isRecord(body) || body.object !== 'payment_intent' || typeof body.id !== 'string') return previous;
  const nextAction = isRecord(body.next_action) && typeof body.next_action.attempt_id === 'string' ? body.next_action.attempt_id : undefined;
  const attempts = Array.isArray(body.attempts) ? (body.attempts as unknown[]) : [];
  const latest = attempts.at(-1);
  const latestId = isRecord(latest) && typeof latest.id === 'string' ? latest.id : undefined;
  const sameIntent = previous.paymentIntentId === body.id;
  return { paymentIntentId: body.id, attemptId: nextAction ?? latestId ?? (sameIntent ? previous.attemptId : undefined) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
