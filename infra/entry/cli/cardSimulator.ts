/**
 * A stand-in for the external card app a terminal launches on `next_action: launch_card_app`: it
 * turns one of the test cards (the PSP's sandbox numbers) into the `card_result` body the terminal
 * would report. Pure: the approval number and the intent's amount and attempt come in.
 */
import type { z } from 'zod';
import type { reportCardResultBodySchema } from '../../../schemas/paymentIntent.js';

export type CardResultBody = z.input<typeof reportCardResultBodySchema>;

type TestCard = Readonly<{ outcome: 'approved'; brand: 'visa' | 'mastercard' | 'amex' }> | Readonly<{ outcome: 'declined'; declineCode: string; message: string }>;

/** The sandbox test cards, by their digits (16, or 15 for American Express). */
export const TEST_CARDS: Readonly<Record<string, TestCard>> = {
  '4242424242424242': { outcome: 'approved', brand: 'visa' },
  '5555555555554444': { outcome: 'approved', brand: 'mastercard' },
  '378282246310005': { outcome: 'approved', brand: 'amex' },
  '4000000000000002': { outcome: 'declined', declineCode: 'card_declined', message: 'The card was declined by the issuer.' },
};

export type CardAppInput = Readonly<{
  /** The card number as typed: digits, optionally grouped with spaces or dashes. */
  cardNumber: string;
  attemptId: string;
  /** The intent's amount, in minor units: the card app charges exactly that. */
  amount: number;
  /** Six digits, as an acquirer's approval code. */
  approvalNumber: string;
}>;

/** Unknown or malformed card numbers: the simulator knows only the test cards. */
export class UnknownTestCardError extends Error {
  override readonly name = 'UnknownTestCardError';
}

/**
 * The first six and last four digits, the rest masked (what a card app may disclose).
 *
 * @example maskCardNumber('4242424242424242') // '424242******4242'
 */
export function maskCardNumber(digits: string): string {
  return `${digits.slice(0, 6)}${'*'.repeat(Math.max(2, digits.length - 10))}${digits.slice(-4)}`;
}

/** `4242 4242 4242 4242` or `4242-4242-…` → `4242424242424242`; anything else is refused. */
export function normalizeCardNumber(cardNumber: string): string {
  const digits = cardNumber.replace(/[\s-]/g, '');
  if (!/^[0-9]{12,19}$/.test(digits)) throw new UnknownTestCardError(`not a card number: ${JSON.stringify(cardNumber)}`);
  return digits;
}

/**
 * The test card with this number, or an `UnknownTestCardError` naming the ones there are.
 *
 * @example findTestCard('4242 4242 4242 4242') // { outcome: 'approved', brand: 'visa' }
 */
export function findTestCard(cardNumber: string): TestCard {
  const digits = normalizeCardNumber(cardNumber);
  const card = TEST_CARDS[digits];
  if (card === undefined) {
    throw new UnknownTestCardError(`${maskCardNumber(digits)} is not a test card; use one of ${Object.keys(TEST_CARDS).join(', ')}`);
  }
  return card;
}

/**
 * The `card_result` body for a test card: approved (visa, mastercard, amex) or declined (`card_declined`).
 *
 * @example
 * simulateCardApp({ cardNumber: '4242 4242 4242 4242', attemptId: 'pa_01…', amount: 3000, approvalNumber: '123456' })
 * // { attempt_id: 'pa_01…', outcome: 'approved', amount: 3000, approval_number: '123456',
 * //   slip_number: null, masked_pan: '424242******4242', brand: 'visa' }
 */
export function simulateCardApp(input: CardAppInput): CardResultBody {
  const digits = normalizeCardNumber(input.cardNumber);
  const card = findTestCard(digits);
  if (card.outcome === 'declined') {
    return { attempt_id: input.attemptId, outcome: 'declined', decline_code: card.declineCode, message: card.message };
  }
  return {
    attempt_id: input.attemptId,
    outcome: 'approved',
    amount: input.amount,
    approval_number: input.approvalNumber,
    slip_number: null,
    masked_pan: maskCardNumber(digits),
    brand: card.brand,
  };
}
