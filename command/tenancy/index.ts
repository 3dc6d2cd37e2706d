/**
 * Tenancy administration over HTTP, for partner servers (HMAC): onboard merchants, open stores,
 * configure providers (credentials sealed, never returned), register, deactivate and reactivate
 * terminals, and read them back, each scoped to the calling partner. Plus `registerClientPartner`
 * for the CLI.
 */
import type { FastifyInstance } from 'fastify';
import { registerConfigureStoreProvider } from './configureStoreProvider.js';
import { registerDeactivateTerminal } from './deactivateTerminal.js';
import { registerTenancyReads } from './getResources.js';
import { registerOnboardMerchant } from './onboardMerchant.js';
import { registerOpenStore } from './openStore.js';
import { registerReactivateTerminal } from './reactivateTerminal.js';
import { registerRegisterTerminal } from './registerTerminal.js';
import type { TenancyRouteDependencies } from './tenancyRoute.js';

export type { CredentialSealer } from './credentialSealer.js';
export type { TenancyRouteDependencies } from './tenancyRoute.js';
export { registerClientPartner, type RegisterClientPartnerInput } from './registerClientPartner.js';

/**
 * Registers every tenancy route. The app needs the zod validator and serializer compilers and the
 * authentication hook (infra/adapters/auth) that sets `request.principal`.
 *
 * @example registerTenancyRoutes(app, { context, credentials: authentication.credentials });
 */
export function registerTenancyRoutes(app: FastifyInstance, dependencies: TenancyRouteDependencies): void {
  registerOnboardMerchant(app, dependencies);
  registerOpenStore(app, dependencies);
  registerConfigureStoreProvider(app, dependencies);
  registerRegisterTerminal(app, dependencies);
  registerDeactivateTerminal(app, dependencies);
  registerReactivateTerminal(app, dependencies);
  registerTenancyReads(app, dependencies);
}
