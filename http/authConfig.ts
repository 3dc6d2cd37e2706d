/**
 * The route auth contract (ARCHITECTURE.md §6). Every `/v1` route declares who may call it in its
 * fastify `config`; the authentication hook (infra/adapters/auth) reads it before schema validation and
 * idempotency, establishes `request.principal`, and refuses everyone else with a 401/403 problem.
 */
import type { StaffRole } from './principal.js';

/**
 * `partner`: a partner server signing with HMAC-SHA256. `terminal`: a device JWT. `payment_token`:
 * a client SDK acting on one PaymentIntent. `public`: no credentials needed (a route that also lists
 * other modes still verifies credentials when they are sent).
 */
export type AuthMode = 'partner' | 'terminal' | 'payment_token' | 'public';

export const AUTH_MODES: readonly AuthMode[] = ['partner', 'terminal', 'payment_token', 'public'];

/** The staff roles a route admits, next to (or instead of) the partner/terminal modes. */
export type StaffGrant = Readonly<{ staff: readonly StaffRole[] }>;

export type AuthRouteConfig = Readonly<{ auth: readonly AuthMode[]; staff: readonly StaffRole[] }>;

/**
 * The `config` of a route: the modes and, in a `{ staff: [...] }` entry, the staff roles that may
 * call it. A read-only role (auditor, ops, merchant_reader) on a route other than GET fails at
 * start-up, and the hook refuses read-only staff every write whatever a route declares.
 *
 * @example app.post('/v1/merchants', { schema, config: authConfig('partner') }, handler)
 * @example app.get('/v1/audit/log', { schema, config: authConfig({ staff: ['auditor', 'operator'] }) }, handler)
 * @example app.get('/v1/reports/sales', { schema, config: authConfig('partner', 'terminal', { staff: ['merchant_reader'] }) }, handler)
 */
export function authConfig(...entries: readonly (AuthMode | StaffGrant)[]): AuthRouteConfig {
  // Invariant: empty lists are a route nobody may call; the hook refuses every request to it.
  const modes: AuthMode[] = [];
  const staff: StaffRole[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') modes.push(entry);
    else staff.push(...entry.staff);
  }
  return { auth: modes, staff };
}

/**
 * The OpenAPI `security` of a staff route: a staff credential, or the bootstrap operator secret on
 * operator routes.
 */
export const STAFF_SECURITY: { staffBearer: string[] }[] = [{ staffBearer: [] }];
/** Report routes: partners, terminals and merchant readers. */
export const REPORT_SECURITY: ({ partnerHmac: string[] } | { bearer: string[] } | { staffBearer: string[] })[] = [{ partnerHmac: [] }, { bearer: [] }, { staffBearer: [] }];
export const OPERATOR_SECURITY: ({ staffBearer: string[] } | { operatorSecret: string[] })[] = [{ staffBearer: [] }, { operatorSecret: [] }];

/**
 * Issues the `payment_token` of a new intent (infra/adapters/auth implements it; the PaymentIntent routes
 * receive it by injection). The token lets a client SDK read and confirm that one intent for 24 h.
 *
 * @example const token = await issuePaymentToken({ paymentIntentId: 'pi_01…', clientPartnerId: 'cp_01…', merchantId: 'mer_01…' });
 */
export type PaymentTokenIssuer = (claims: Readonly<{ paymentIntentId: string; clientPartnerId: string; merchantId: string }>) => Promise<string>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; see `authConfig`. Required on every `/v1` route. */
    auth?: readonly AuthMode[];
    /** The staff roles that may call the route; see `authConfig`. */
    staff?: readonly StaffRole[];
  }
}
