/**
 * Authentication and tenant isolation (ARCHITECTURE.md §6): partner HMAC signatures, terminal
 * device JWTs, payment tokens, and the credential cipher for provider credentials.
 */
export { createAuthentication, type Authentication, type AuthenticationOptions } from './authentication.js';
export { registerAuthentication } from './authPlugin.js';
export type { AuthProblemCode } from '../../../http/authProblems.js';
export { createCredentialCipher, type CredentialCipher } from './credentialCipher.js';
export { pruneExpiredNonces, startNoncePruning } from './nonceStore.js';
export {
  PARTNER_HEADERS,
  SIGNATURE_WINDOW_SECONDS,
  partnerSignatureHex,
  partnerSigningMessage,
  randomNonce,
  secretDigestHex,
  signPartnerRequest,
  verifyPartnerSignature,
  type PartnerRequestHeaders,
} from '../../../http/partnerSignature.js';
export { LEDGER_ISSUER, PAYMENT_TOKEN_LIFETIME_SECONDS, TERMINAL_TOKEN_LIFETIME_SECONDS, type TokenService, type VerifiedToken } from './tokens.js';
