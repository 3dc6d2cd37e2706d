/** The double-entry journal read model (projection `journal`): posting rules, projector, table types. */
export { JOURNAL_PROJECTION_NAME, applyJournalBatch, journalProjector } from './journalProjector.js';
export * from './journalTables.js';
export * from './journalTypes.js';
export * from './chartOfAccounts.js';
export { holdKeyTouchedBy, journalFor, type PostingInput, type PostingResult } from './postingRules.js';
