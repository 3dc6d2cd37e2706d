/**
 * Tenant scope of a read: every query route filters its rows by the caller's place in the tenancy
 * tree, so another tenant's rows are invisible (a detail answers 404, a list never shows them).
 * A partner sees every merchant of its client partner (and may narrow with `merchant_id`); a
 * terminal sees its own store; a merchant reader (staff credential) its own merchant. Payment
 * tokens and the other staff roles get no report scope (their own routes are under /v1/audit, /v1/ops).
 */
import type { Principal } from '../http/principal.js';

export type QueryScope =
  | Readonly<{ kind: 'client_partner'; clientPartnerId: string }>
  | Readonly<{ kind: 'merchant'; clientPartnerId: string; merchantId: string }>
  | Readonly<{ kind: 'store'; clientPartnerId: string; merchantId: string; storeId: string }>;

export function queryScopeOf(principal: Principal | undefined): QueryScope | undefined {
  switch (principal?.kind) {
    case 'partner':
      return { kind: 'client_partner', clientPartnerId: principal.clientPartnerId };
    case 'terminal':
      return { kind: 'store', clientPartnerId: principal.clientPartnerId, merchantId: principal.merchantId, storeId: principal.storeId };
    case 'staff':
      return principal.role === 'merchant_reader' ? { kind: 'merchant', clientPartnerId: principal.clientPartnerId, merchantId: principal.merchantId } : undefined;
    case 'payment_token':
    case undefined:
      return undefined;
  }
}
