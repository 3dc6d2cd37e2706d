/** Settlement: closing a merchant × provider × business day batch (payments.md §5.2). Pure decider. */
export * from './errors.js';
export * from './settlementBatch.js';
