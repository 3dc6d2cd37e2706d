export { AssertionFailedError, DomainError, assert, isDomainError } from './domainError.js';
export { Money, currencies } from './money.js';
export type { Currency } from './money.js';
export { isAtOrAfter, isIsoInstant } from './instant.js';
export type { IsoInstant } from './instant.js';
export { isIdentifier } from './identifier.js';
export type { Decider } from './decider.js';
