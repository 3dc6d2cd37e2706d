/**
 * The route auth contract (ARCHITECTURE.md §6). Every `/v1` route declares who may call it in its
 * fastify `config`; the authentication hook (infra/adapters/auth) reads it before schema validation and
 * idempotency, establishes `request.principal`, and refuses everyone else with a 401/403 problem.
 */

/**
 * `partner`: a partner server signing with HMAC-SHA256. `terminal`: a device JWT. `payment_token`:
 * a client SDK acting on one PaymentIntent. `public`: no credentials needed (a route that also lists
 * other modes still verifies credentials when they are sent).
 */
export type AuthMode = 'partner' | 'terminal' | 'payment_token' | 'public';

export const AUTH_MODES: readonly AuthMode[] = ['partner', 'terminal', 'payment_token', 'public'];

export type AuthRouteConfig = Readonly<{ auth: readonly AuthMode[] }>;

/**
 * The `config` of a route.
 *
 * @example app.post('/v1/merchants', { schema, config: authConfig('partner') }, handler)
 */
export function authConfig(...modes: readonly AuthMode[]): AuthRouteConfig {
  // Invariant: an empty list is a route nobody may call; the hook refuses every request to it.
  return { auth: [...modes] };
}

/**
 * Issues the `payment_token` of a new intent (infra/adapters/auth implements it; the PaymentIntent routes
 * receive it by injection). The token lets a client SDK read and confirm that one intent for 24 h.
 *
 * @example const token = await issuePaymentToken({ paymentIntentId: 'pi_01…', clientPartnerId: 'cp_01…', merchantId: 'mer_01…' });
 */
export type PaymentTokenIssuer = (
  claims: Readonly<{ paymentIntentId: string; clientPartnerId: string; merchantId: string }>,
) => Promise<string>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; see `authConfig`. Required on every `/v1` route. */
    auth?: readonly AuthMode[];
  }
}
