/** Projection `settlement`: per merchant × provider × business day totals, and batch closes. */
export { SETTLEMENT_PROJECTION, settlementProjector } from './settlementProjector.js';
export type { SettlementBatchTable, SettlementDayTable, SettlementTables } from './settlementTables.js';
export { SettlementWorkingSet, zeroTotals, type SettlementAction, type SettlementDay, type Totals } from './settlementLedger.js';
