/** Domain → integration event mapping (ARCHITECTURE.md §8): pure functions; the relay is in infra/runtime/relay. */
export * from './integrationEventId.js';
export * from './intentContext.js';
export * from './mapPaymentIntentEvent.js';
export * from './mapBatch.js';
