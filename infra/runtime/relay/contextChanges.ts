import type { IntentContext } from '../../../projections/integration/index.js';

/** Only the contexts the batch changed (or created) need writing. */
export function changedContexts(before: ReadonlyMap<string, IntentContext>, after: ReadonlyMap<string, IntentContext>): Map<string, IntentContext> {
  const changed = new Map<string, IntentContext>();
  for (const [id, context] of after) if (before.get(id) !== context) changed.set(id, context);
  return changed;
}
