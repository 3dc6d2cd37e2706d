/** The public integration-event contract (ARCHITECTURE.md §8; docs/integration-events.md). */
export * from './common.js';
export * from './paymentEvents.js';
export * from './transport.js';
