/**
 * The card-app simulator and the `call` command line as specifications: each test card maps to the
 * `card_result` body the ledger's schema accepts (approved visa/mastercard with a masked PAN, or
 * declined with `card_declined`), unknown numbers are refused, and `@last`/`@attempt` are filled
 * from what earlier answers taught.
 */
import { describe, expect, it } from 'vitest';
import { reportCardResultBodySchema } from '../../../schemas/paymentIntent.js';
import { fillPlaceholders, parseCallArguments, rememberFrom, UsageError } from './callArguments.js';
import { maskCardNumber, simulateCardApp, UnknownTestCardError } from './cardSimulator.js';

const attempt = { attemptId: 'pa_01JD3W8Q4ZK6T9X2M5N7P1R3S8', amount: 3000, approvalNumber: '004217' };

describe('simulateCardApp', () => {
  it.each([
    ['4242 4242 4242 4242', 'visa', '424242******4242'],
    ['5555-5555-5555-4444', 'mastercard', '555555******4444'],
    ['4242424242424242', 'visa', '424242******4242'],
    ['3782 822463 10005', 'amex', '378282*****0005'],
  ] as const)('approves %s as %s, masked %s', (cardNumber, brand, maskedPan) => {
    const body = simulateCardApp({ ...attempt, cardNumber });
    expect(body).toEqual({
      attempt_id: attempt.attemptId,
      outcome: 'approved',
      amount: 3000,
      approval_number: '004217',
      slip_number: null,
      masked_pan: maskedPan,
      brand,
    });
    expect(reportCardResultBodySchema.safeParse(body).success).toBe(true);
  });

  it('declines 4000 0000 0000 0002 with card_declined', () => {
    const body = simulateCardApp({ ...attempt, cardNumber: '4000 0000 0000 0002' });
    expect(body).toMatchObject({ attempt_id: attempt.attemptId, outcome: 'declined', decline_code: 'card_declined' });
    expect(reportCardResultBodySchema.safeParse(body).success).toBe(true);
  });

  it.each(['4111111111111111', '4242', 'not a card', ''])('refuses %j', (cardNumber) => {
    expect(() => simulateCardApp({ ...attempt, cardNumber })).toThrow(UnknownTestCardError);
  });

  it('never discloses more than the first six and last four digits', () => {
    expect(maskCardNumber('4242424242424242')).toBe('424242******4242');
  });
});

describe('the call command line', () => {
  it('defaults to terminal 1 and takes the body as one argument', () => {
    expect(parseCallArguments(['post', '/v1/payment_intents', '{"amount":1200,"mode":"manual"}'])).toEqual({
      caller: { kind: 'terminal', reference: '1' },
      idempotencyKey: undefined,
      url: undefined,
      command: { kind: 'request', method: 'POST', path: '/v1/payment_intents', body: '{"amount":1200,"mode":"manual"}' },
    });
  });

  it('reads --as, --key and card-app with a grouped card number', () => {
    const parsed = parseCallArguments(['--as', 'terminal:2', '--key', 'k-1', 'card-app', '@last', '4242', '4242', '4242', '4242']);
    expect(parsed).toMatchObject({ caller: { kind: 'terminal', reference: '2' }, idempotencyKey: 'k-1' });
    expect(parsed.command).toEqual({ kind: 'card-app', paymentIntent: '@last', cardNumber: '4242424242424242' });
    expect(parseCallArguments(['--as', 'partner', 'GET', '/v1/merchants/mer_1']).caller).toEqual({ kind: 'partner' });
  });

  it.each([[['--help']], [['-h']], [[]], [['--as', 'partner', '--help']], [['GET', '/x', '--help']]])('answers help for %j (not "--help needs a value")', (argv) => {
    expect(parseCallArguments(argv).command).toEqual({ kind: 'help' });
  });

  it('reads register-terminal --store and --name', () => {
    expect(parseCallArguments(['register-terminal', '--store', 'str_1', '--name', 'till 3']).command).toEqual({ kind: 'register-terminal', storeId: 'str_1', name: 'till 3' });
    expect(parseCallArguments(['register-terminal', '--store', '@store2']).command).toEqual({ kind: 'register-terminal', storeId: '@store2', name: undefined });
    expect(() => parseCallArguments(['register-terminal'])).toThrow(/--store/);
    expect(() => parseCallArguments(['register-terminal', '--store'])).toThrow(UsageError);
    expect(() => parseCallArguments(['register-terminal', '--shop', 'x'])).toThrow(UsageError);
  });

  it.each([[['FETCH', '/x']], [['GET', 'v1']], [['--as', 'nobody', 'GET', '/x']], [['--key']], [['POST', '/x', '{"a":', '1}']]])('refuses %j', (argv) => {
    expect(() => parseCallArguments(argv)).toThrow(UsageError);
  });

  it('fills @last and @attempt, and refuses them before they are known', () => {
    const remembered = { paymentIntentId: 'pi_1', attemptId: 'pa_1' };
    expect(fillPlaceholders('/v1/payment_intents/@last/confirm', remembered)).toBe('/v1/payment_intents/pi_1/confirm');
    expect(fillPlaceholders('{"attempt_id":"@attempt"}', remembered)).toBe('{"attempt_id":"pa_1"}');
    expect(() => fillPlaceholders('/v1/payment_intents/@last', {})).toThrow(UsageError);
  });

  it('fills the demo tenant ids and leaves other @ text alone', () => {
    const tenant = { merchantId: 'mer_1', storeIds: ['str_1', 'str_2'], terminalIds: ['trm_1'] };
    expect(fillPlaceholders('/v1/merchants/@merchant /v1/stores/@store2 @terminal1 a@b.c', {}, tenant)).toBe('/v1/merchants/mer_1 /v1/stores/str_2 trm_1 a@b.c');
    expect(() => fillPlaceholders('/v1/stores/@store3', {}, tenant)).toThrow(UsageError);
  });

  it('remembers the intent answered and its pending or latest attempt', () => {
    const pending = { object: 'payment_intent', id: 'pi_2', next_action: { type: 'launch_card_app', attempt_id: 'pa_2' }, attempts: [] };
    expect(rememberFrom(pending, { paymentIntentId: 'pi_1', attemptId: 'pa_1' })).toEqual({ paymentIntentId: 'pi_2', attemptId: 'pa_2' });
    const completed = { object: 'payment_intent', id: 'pi_2', next_action: null, attempts: [{ id: 'pa_2' }, { id: 'pa_3' }] };
    expect(rememberFrom(completed, {})).toEqual({ paymentIntentId: 'pi_2', attemptId: 'pa_3' });
    expect(rememberFrom({ object: 'merchant', id: 'mer_1' }, { paymentIntentId: 'pi_1' })).toEqual({ paymentIntentId: 'pi_1' });
  });
});
