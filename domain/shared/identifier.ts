/**
 * Identifiers that may travel to a provider as a merchant reference. PayPay's `merchantPaymentId`
 * and `merchantRefundId` allow at most 64 characters of `[A-Za-z0-9_-]`, and an attempt id or a
 * refund id IS that reference, so every id the payment domain stores obeys the same rule.
 */
const identifierPattern = /^[A-Za-z0-9_-]{1,64}$/;

export function isIdentifier(value: string): boolean {
  return identifierPattern.test(value);
}
