/**
 * Every read model the ledger maintains (ARCHITECTURE.md §7), run by infra/runtime/projections.
 */
import { journalProjector } from './journal/index.js';
import { paymentIntentsProjector } from './paymentIntents/index.js';
import { salesProjector } from './sales/index.js';
import { settlementProjector } from './settlement/index.js';
import type { Projector } from './runtime/projector.js';

export { providerTasksProjector } from './providerTasks/providerTasksProjector.js';

export type { Projector, ProjectionSql } from './runtime/projector.js';

export const allProjectors: readonly Projector[] = [paymentIntentsProjector, journalProjector, salesProjector, settlementProjector];
