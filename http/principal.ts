/**
 * The roles of staff credentials (ARCHITECTURE.md §6): `operator` bootstraps partners and acts on
 * projections and credentials; `auditor` reads every stream and the log, verifies, replays and
 * exports, across tenants; `ops` reads status and metrics; `merchant_reader` reads one merchant's
 * reports. Every role but `operator` is read-only: the auth hook refuses it every write.
 */
export const STAFF_ROLES = ['operator', 'auditor', 'ops', 'merchant_reader'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const READ_ONLY_STAFF_ROLES: readonly StaffRole[] = ['auditor', 'ops', 'merchant_reader'];

/**
 * A person or system holding a staff credential (`Authorization: Bearer stf_<id>.<secret>`), or the
 * bootstrap operator secret (`credentialId: 'operator_secret'`). A merchant reader carries its merchant.
 */
export type StaffPrincipal =
  | Readonly<{ kind: 'staff'; credentialId: string; name: string; role: Exclude<StaffRole, 'merchant_reader'> }>
  | Readonly<{ kind: 'staff'; credentialId: string; name: string; role: 'merchant_reader'; clientPartnerId: string; merchantId: string }>;

/**
 * Who is calling, as established by authentication (infra/adapters/auth) before any command runs.
 * Every command and read is scoped by it: a partner acts on its own merchants, a terminal on its
 * store, a payment token on one intent (read and confirm only), staff by role.
 */
export type Principal =
  | Readonly<{ kind: 'partner'; clientPartnerId: string }>
  | Readonly<{ kind: 'terminal'; clientPartnerId: string; merchantId: string; storeId: string; terminalId: string }>
  | Readonly<{ kind: 'payment_token'; clientPartnerId: string; merchantId: string; paymentIntentId: string }>
  | StaffPrincipal;

/** Whether a principal holds one of the read-only staff roles (refused every write). */
export const isReadOnlyStaff = (principal: Principal): boolean => principal.kind === 'staff' && READ_ONLY_STAFF_ROLES.includes(principal.role);

/** Where a resource sits in the tenancy tree. */
export type TenantPath = Readonly<{ clientPartnerId: string; merchantId: string; storeId: string }>;

/** Whether `principal` may see a resource at `path` (a partner its own tree, a terminal its store, an auditor or operator everything, a merchant reader its merchant). */
export function canAccess(principal: Principal, path: TenantPath): boolean {
  switch (principal.kind) {
    case 'partner':
      return principal.clientPartnerId === path.clientPartnerId;
    case 'terminal':
      return principal.clientPartnerId === path.clientPartnerId && principal.merchantId === path.merchantId && principal.storeId === path.storeId;
    case 'payment_token':
      return principal.clientPartnerId === path.clientPartnerId && principal.merchantId === path.merchantId;
    case 'staff':
      if (principal.role === 'merchant_reader') return principal.clientPartnerId === path.clientPartnerId && principal.merchantId === path.merchantId;
      return principal.role !== 'ops';
  }
}

/** The idempotency scope of a principal: keys never collide across callers (payments.md (d) rule 3). */
export function idempotencyScope(principal: Principal): string {
  switch (principal.kind) {
    case 'partner':
      return `partner:${principal.clientPartnerId}`;
    case 'terminal':
      return `terminal:${principal.terminalId}`;
    case 'payment_token':
      return `payment_token:${principal.paymentIntentId}`;
    case 'staff':
      return `staff:${principal.credentialId}`;
  }
}

/** `partner:cp_…` / `terminal:trm_…` / `staff:stf_…`: the actor recorded in event metadata. */
export function actorOf(principal: Principal): string {
  return idempotencyScope(principal);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook; undefined only on public routes. */
    principal?: Principal;
  }
}
