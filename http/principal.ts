/**
 * Who is calling, as established by authentication (infra/adapters/auth) before any command runs.
 * Every command and read is scoped by it: a partner acts on its own merchants, a terminal on its
 * store, a payment token on one intent (read and confirm only).
 */
export type Principal =
  | Readonly<{ kind: 'partner'; clientPartnerId: string }>
  | Readonly<{ kind: 'terminal'; clientPartnerId: string; merchantId: string; storeId: string; terminalId: string }>
  | Readonly<{ kind: 'payment_token'; clientPartnerId: string; merchantId: string; paymentIntentId: string }>;

/** Where a resource sits in the tenancy tree. */
export type TenantPath = Readonly<{ clientPartnerId: string; merchantId: string; storeId: string }>;

/** Whether `principal` may see a resource at `path` (a partner its own tree, a terminal its store). */
export function canAccess(principal: Principal, path: TenantPath): boolean {
  switch (principal.kind) {
    case 'partner':
      return principal.clientPartnerId === path.clientPartnerId;
    case 'terminal':
      return principal.clientPartnerId === path.clientPartnerId && principal.merchantId === path.merchantId && principal.storeId === path.storeId;
    case 'payment_token':
      return principal.clientPartnerId === path.clientPartnerId && principal.merchantId === path.merchantId;
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
  }
}

/** `partner:cp_…` / `terminal:trm_…`: the actor recorded in event metadata. */
export function actorOf(principal: Principal): string {
  return idempotencyScope(principal);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook; undefined only on public routes. */
    principal?: Principal;
  }
}
