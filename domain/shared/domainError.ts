/**
 * Two kinds of failure, never mixed (house style §8):
 * - `DomainError`: an expected refusal of a well-formed command. It carries a stable `code` from a
 *   closed union owned by each aggregate (for example `PaymentIntentErrorCode`) and a human `detail`;
 *   `command/` maps the code to an RFC 9457 problem with a 4xx status.
 * - `AssertionFailedError`, thrown by `assert`: a programmer error (a broken assumption inside the
 *   domain). It must fail loudly and surfaces as a 500.
 *
 * The class is generic so that `shared/` does not depend on any aggregate: each aggregate closes the
 * union (`DomainError<PaymentIntentErrorCode>`), and `command/` builds the union of all of them.
 */
export class DomainError<TCode extends string = string> extends Error {
  override readonly name = 'DomainError';
  readonly code: TCode;
  readonly detail: string;

  constructor(code: TCode, detail: string) {
    super(`${code}: ${detail}`);
    this.code = code;
    this.detail = detail;
  }
}

/** Narrows an unknown thrown value; the code is then checked against an aggregate's union. */
export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}

/** A broken programmer assumption. Never caught by the domain; mapped to a 500 with no detail. */
export class AssertionFailedError extends Error {
  override readonly name = 'AssertionFailedError';
}

/**
 * Fails loudly when a programmer assumption does not hold.
 * @example assert(Number.isSafeInteger(total), 'total must stay a safe integer');
 */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionFailedError(message);
}
