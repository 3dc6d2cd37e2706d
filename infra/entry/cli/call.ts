/**
 * `npm run -s call -- [--as partner|terminal:<n>|terminal:<trm_id>] [--key K] METHOD PATH [JSON_BODY]`:
 * one signed request to the ledger (LEDGER_URL, default http://127.0.0.1:3000) with the demo's
 * credentials, printing the status line, the headers that matter (Idempotent-Replayed,
 * X-Should-Retry, Retry-After) and the JSON body. POSTs get a fresh Idempotency-Key unless `--key`
 * reuses one. `@last` and `@attempt` stand for the last payment intent answered and its attempt.
 *
 * `card-app <intent> <card number>` plays the external card app: it reads the intent's pending
 * attempt and amount, and reports the test card's result to `/card_result`.
 * `register-terminal --store <str_id> [--name N]` puts a new terminal into service (registerTerminal.ts).
 * `customer-pays | customer-cancels | qr-expires <intent> [amount]` plays the customer in the provider sandbox (customerApp.ts).
 * `--help` prints the usage.
 *
 * Exit code: 0 for 2xx (and --help), 1 for an HTTP error answer or any other failure (one line on
 * stderr, never a stack trace), 2 for a usage error or no answer.
 */
import { randomInt } from 'node:crypto';
import { fillPlaceholders, parseCallArguments, rememberFrom, USAGE, UsageError, type CallArguments, type Caller } from './callArguments.js';
import { findTestCard, simulateCardApp, UnknownTestCardError } from './cardSimulator.js';
import { DemoFileError, demoDirectory, readCredentials, readPrivateKey, readRemembered, writeRemembered, type DemoCredentials } from './demoFiles.js';
import { LedgerRequestError, LedgerUnreachableError, newIdempotencyKey, sendAsPartner, sendAsTerminal, type LedgerRequest, type LedgerResponse } from './ledgerClient.js';
import { deviceInstructions, registerTerminal } from './registerTerminal.js';
import { CustomerAppError, runCustomerApp } from './customerApp.js';

const DEFAULT_LEDGER_URL = 'http://127.0.0.1:3000';
const SHOWN_HEADERS = ['idempotent-replayed', 'x-should-retry', 'retry-after'] as const;
const SHOWN_HEADER_NAMES: Readonly<Record<(typeof SHOWN_HEADERS)[number], string>> = {
  'idempotent-replayed': 'Idempotent-Replayed',
  'x-should-retry': 'X-Should-Retry',
  'retry-after': 'Retry-After',
};

/** A refusal before anything is sent (no such terminal, an intent not waiting for the card app). */
class CallError extends Error {
  override readonly name = 'CallError';
}

type Sender = Readonly<{ label: string; send: (request: LedgerRequest) => Promise<LedgerResponse> }>;

function senderFor(caller: Caller, credentials: DemoCredentials, baseUrl: string): Sender {
  if (caller.kind === 'partner') {
    const partner = { clientPartnerId: credentials.client_partner.id, secret: credentials.client_partner.secret };
    return { label: `partner ${partner.clientPartnerId}`, send: (request) => sendAsPartner(baseUrl, partner, request) };
  }
  const byPosition = /^[0-9]+$/.test(caller.reference) ? credentials.terminals[Number(caller.reference) - 1] : undefined;
  const terminal = byPosition ?? credentials.terminals.find((candidate) => candidate.id === caller.reference);
  if (terminal === undefined) {
    const known = credentials.terminals.map((candidate, index) => `terminal:${index + 1} (${candidate.id})`).join(', ');
    throw new CallError(`no demo terminal ${caller.reference}; known: ${known}`);
  }
  const keys = { terminalId: terminal.id, privateKeyPem: readPrivateKey(terminal.private_key_file) };
  return { label: `terminal ${terminal.id}`, send: (request) => sendAsTerminal(baseUrl, keys, request) };
}

function print(response: LedgerResponse): void {
  const lines = [`HTTP ${response.status} ${response.statusText}`];
  for (const name of SHOWN_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) lines.push(`${SHOWN_HEADER_NAMES[name]}: ${value}`);
  }
  const body = response.json === undefined ? response.text : JSON.stringify(response.json, null, 2);
  process.stdout.write(`${lines.join('\n')}\n${body === '' ? '' : `${body}\n`}`);
}

/** Sends, prints, remembers `@last`/`@attempt`; answers the exit code. */
async function exchange(sender: Sender, request: LedgerRequest, directory: string): Promise<number> {
  const key = request.idempotencyKey === undefined ? '' : ` (Idempotency-Key: ${request.idempotencyKey})`;
  process.stderr.write(`> ${request.method} ${request.path} as ${sender.label}${key}\n`);
  const response = await sender.send(request);
  print(response);
  if (response.status >= 200 && response.status < 300) writeRemembered(directory, rememberFrom(response.json, readRemembered(directory)));
  return response.status >= 400 ? 1 : 0;
}

/** The card app: the intent's pending attempt and amount, then the test card's result. */
async function runCardApp(sender: Sender, args: CallArguments, paymentIntent: string, cardNumber: string, directory: string): Promise<number> {
  findTestCard(cardNumber);
  const intentId = fillPlaceholders(paymentIntent, readRemembered(directory));
  const current = await sender.send({ method: 'GET', path: `/v1/payment_intents/${intentId}` });
  const intent = current.json;
  if (current.status !== 200 || typeof intent !== 'object' || intent === null) {
    print(current);
    return 1;
  }
  const { amount, next_action: nextAction } = intent as { amount?: unknown; next_action?: { type?: unknown; attempt_id?: unknown } | null };
  if (typeof amount !== 'number' || nextAction?.type !== 'launch_card_app' || typeof nextAction.attempt_id !== 'string') {
    throw new CallError(`${intentId} is not waiting for the card app (confirm it with {"payment_method":{"type":"card"}} first)`);
  }
  const approvalNumber = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const body = simulateCardApp({ cardNumber, attemptId: nextAction.attempt_id, amount, approvalNumber });
  process.stderr.write(`card app: ${body.outcome}${body.outcome === 'approved' ? ` (${body.brand} ${body.masked_pan}, approval ${body.approval_number})` : ''}\n`);
  const path = `/v1/payment_intents/${intentId}/card_result`;
  return exchange(sender, { method: 'POST', path, body: JSON.stringify(body), idempotencyKey: args.idempotencyKey ?? newIdempotencyKey() }, directory);
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseCallArguments(argv);
  if (args.command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const directory = demoDirectory(process.env);
  const credentials = readCredentials(directory);
  if (credentials === undefined) throw new CallError(`no demo credentials in ${directory}: run \`npm run demo\` first`);
  const baseUrl = args.url ?? process.env.LEDGER_URL ?? DEFAULT_LEDGER_URL;
  const command = args.command;
  if (command.kind === 'register-terminal') {
    const storeId = fillPlaceholders(command.storeId, {}, { merchantId: credentials.merchant_id, storeIds: credentials.stores.map((store) => store.id), terminalIds: [] });
    const terminal = await registerTerminal({ baseUrl, credentials, directory, storeId, name: command.name });
    process.stdout.write(deviceInstructions(terminal, baseUrl));
    return 0;
  }
  const sender = senderFor(args.caller, credentials, baseUrl);
  if (command.kind === 'card-app') return runCardApp(sender, args, command.paymentIntent, command.cardNumber, directory);
  if (command.kind === 'customer') {
    const intentId = fillPlaceholders(command.paymentIntent, readRemembered(directory));
    const response = await runCustomerApp(sender.send, intentId, command.action, command.amount);
    print(response);
    return response.status >= 400 ? 1 : 0;
  }
  const remembered = readRemembered(directory);
  const tenant = { merchantId: credentials.merchant_id, storeIds: credentials.stores.map((store) => store.id), terminalIds: credentials.terminals.map((terminal) => terminal.id) };
  const body = command.body === undefined ? undefined : fillPlaceholders(command.body, remembered, tenant);
  if (body !== undefined) JSON.parse(body);
  const idempotencyKey = command.method === 'POST' ? (args.idempotencyKey ?? newIdempotencyKey()) : args.idempotencyKey;
  return exchange(sender, { method: command.method, path: fillPlaceholders(command.path, remembered, tenant), body, idempotencyKey }, directory);
}

/** One line for any failure, and the exit code: never a stack trace. */
function describeFailure(error: unknown): Readonly<{ text: string; exitCode: number }> {
  if (error instanceof UsageError) return { text: `${error.message}\n${USAGE}`, exitCode: 2 };
  if (error instanceof LedgerUnreachableError) return { text: error.message, exitCode: 2 };
  if (error instanceof SyntaxError) return { text: `the body is not JSON: ${error.message}`, exitCode: 1 };
  if (
    error instanceof CallError ||
    error instanceof CustomerAppError ||
    error instanceof UnknownTestCardError ||
    error instanceof DemoFileError ||
    error instanceof LedgerRequestError
  ) {
    return { text: error.message, exitCode: 1 };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { text: `call failed: ${message.split('\n')[0] ?? message}`, exitCode: 1 };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const failure = describeFailure(error);
    process.stderr.write(`${failure.text}\n`);
    process.exitCode = failure.exitCode;
  },
);
