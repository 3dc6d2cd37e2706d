/** Placement facts for test commands: a create at an open store of an active merchant, from an active terminal. */
import type { PlacementFacts } from '../index.js';

export function acceptedPlacement(ids: Readonly<{ clientPartnerId: string; merchantId: string; storeId: string }>, provider: string | null): PlacementFacts {
  return {
    store: { status: 'open', merchantId: ids.merchantId },
    merchant: { status: 'active', clientPartnerId: ids.clientPartnerId },
    terminal: { status: 'active', storeId: ids.storeId },
    providerConfig: provider === null ? null : { status: 'enabled' },
  };
}
