/**
 * A terminal proves possession of its registered private key to obtain a 120-second access token.
 * The assertion is a compact ES256 JWS with `iss = sub = terminal_id`, `aud = 'mpac-ledger'`, `iat`,
 * `exp` (at most 5 minutes after `iat`) and a single-use `jti`. Checks, in order: the terminal
 * exists → the signature verifies against the key in its `TerminalRegistered` event → the claims →
 * the terminal is active → its store is open, its merchant active, its partner not suspended → the
 * `jti` was never used. Only then is anything written (the `jti`) and a token issued.
 */
import { errors, importJWK, importSPKI, jwtVerify, type CryptoKey, type JWK } from 'jose';
import type { SqlClient } from '../db/sqlClient.js';
import { refuse, type AuthFailure } from '../../../http/authProblems.js';
import { recordTerminalAssertion } from './nonceStore.js';
import type { TenancyDirectory } from './tenancyDirectory.js';
import { LEDGER_ISSUER, type TerminalTokenClaims } from './tokens.js';

export type TerminalAssertionDependencies = Readonly<{ client: SqlClient; directory: TenancyDirectory; now: () => Date }>;

export const ASSERTION_LIFETIME_SECONDS_MAX = 300;
/** Device clocks drift; a little either way is tolerated. */
const ASSERTION_CLOCK_TOLERANCE_SECONDS = 30;
const JTI_LENGTH_MAX = 128;
const JTI_RETENTION_MARGIN_SECONDS = 60;

export type AssertionOutcome = Readonly<{ ok: true; claims: TerminalTokenClaims }> | Readonly<{ ok: false; failure: AuthFailure }>;

/**
 * @example const outcome = await verifyTerminalAssertion({ client, directory, now }, 'trm_01…', assertionJws);
 */
export async function verifyTerminalAssertion(dependencies: TerminalAssertionDependencies, terminalId: string, assertion: string): Promise<AssertionOutcome> {
  const terminal = await dependencies.directory.loadTerminal(terminalId);
  if (terminal.status === 'unregistered') return refuse('unknown_client', 'no terminal has this terminal_id');
  const verified = await verifySignature(dependencies.now(), terminalId, terminal.publicKey, assertion);
  if (!verified.ok) return verified;
  if (terminal.status === 'deactivated') return refuse('terminal_deactivated', 'this terminal is deactivated');
  const [store, merchant] = await Promise.all([dependencies.directory.loadStore(terminal.storeId), dependencies.directory.loadMerchant(terminal.merchantId)]);
  if (store.status !== 'open') return refuse('forbidden', "the terminal's store is closed");
  if (merchant.status !== 'active') return refuse('forbidden', "the terminal's merchant is not active");
  const partner = await dependencies.directory.clientPartner(merchant.clientPartnerId);
  if (partner.status !== 'active') return refuse('client_suspended', "the terminal's client partner is suspended");
  const expiresAt = new Date((verified.expiresAtSeconds + ASSERTION_CLOCK_TOLERANCE_SECONDS + JTI_RETENTION_MARGIN_SECONDS) * 1000);
  if (!(await recordTerminalAssertion(dependencies.client, terminalId, verified.jti, expiresAt))) {
    return refuse('replayed_nonce', 'this assertion (jti) was already used; sign a new one');
  }
  return { ok: true, claims: { terminalId, storeId: store.storeId, merchantId: merchant.merchantId, clientPartnerId: merchant.clientPartnerId } };
}

type SignatureOutcome = Readonly<{ ok: true; jti: string; expiresAtSeconds: number }> | Readonly<{ ok: false; failure: AuthFailure }>;

async function verifySignature(now: Date, terminalId: string, publicKey: string, assertion: string): Promise<SignatureOutcome> {
  try {
    const key = await importTerminalKey(publicKey);
    const { payload } = await jwtVerify(assertion, key, {
      algorithms: ['ES256'],
      issuer: terminalId,
      subject: terminalId,
      audience: LEDGER_ISSUER,
      currentDate: now,
      clockTolerance: ASSERTION_CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['iat', 'exp', 'jti'],
    });
    const { iat, exp, jti } = payload;
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const wellFormed = iat !== undefined && exp !== undefined && typeof jti === 'string' && jti.length > 0 && jti.length <= JTI_LENGTH_MAX;
    if (!wellFormed) return refuse('invalid_token', 'the assertion needs iat, exp and a jti of at most 128 characters');
    if (exp - iat > ASSERTION_LIFETIME_SECONDS_MAX || iat > nowSeconds + ASSERTION_CLOCK_TOLERANCE_SECONDS) {
      return refuse('invalid_token', `the assertion must not be issued in the future nor live more than ${ASSERTION_LIFETIME_SECONDS_MAX} s`);
    }
    return { ok: true, jti, expiresAtSeconds: exp };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return refuse('token_expired', 'the assertion has expired; sign a new one');
    if (error instanceof errors.JOSEError || error instanceof TypeError || error instanceof SyntaxError) {
      return refuse('invalid_token', "the assertion is not an ES256 JWT signed with the terminal's registered key");
    }
    throw error;
  }
}

/** The registered key, an SPKI PEM or a public JWK (the two forms the Terminal domain accepts). */
async function importTerminalKey(publicKey: string): Promise<CryptoKey> {
  if (publicKey.startsWith('-----BEGIN PUBLIC KEY-----')) return importSPKI(publicKey, 'ES256');
  const jwk: unknown = JSON.parse(publicKey);
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new TypeError('the registered key is not a JWK');
  const key = await importJWK({ ...jwk } satisfies JWK, 'ES256');
  if (key instanceof Uint8Array) throw new TypeError('the registered key is symmetric');
  return key;
}
