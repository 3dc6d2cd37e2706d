/** The provider fee rule (payments.md b.2, b.3): one pure rule for every read model (journal, sales, settlement). */
export * from './feeAccrual.js';
