/**
 * Tenancy: ClientPartner → Merchant → Store → StoreProviderConfig, and Terminal (ARCHITECTURE.md
 * §5). Pure deciders: no clock, no randomness, no I/O. Ids and `now` arrive in the commands, and so
 * do the facts a rule needs from another aggregate (`clientPartnerStatus`, `merchantStatus`,
 * `storeStatus`, the store's merchant), which the command handlers read from those streams.
 */
export * from './errors.js';
export * from './ids.js';
export * from './providerCode.js';
export * from './decider.js';
export { NAME_LENGTH_MAX, REASON_LENGTH_MAX } from './validation.js';
export { PUBLIC_KEY_LENGTH_MAX } from './publicKey.js';

export * from './clientPartner.js';
export * from './clientPartner.decide.js';
export * from './merchant.js';
export * from './merchant.decide.js';
export * from './store.js';
export * from './store.decide.js';
export * from './storeProviderConfig.js';
export * from './storeProviderConfig.decide.js';
export { CIPHERTEXT_LENGTH_MAX, FEE_RATE_PPM_MAX } from './storeProviderConfig.values.js';
export * from './terminal.js';
export * from './terminal.decide.js';
