/**
 * Tokens the ledger issues and verifies itself: the terminal access token (120 s, after a proof of
 * possession) and the payment token (24 h, one PaymentIntent). Both are HS256 JWTs under the
 * `token_signing` server key, which lives in the database so every process agrees on it. A header
 * `typ` and a `scope` claim tell them apart, and each is checked, so neither can stand in for the
 * other.
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { PaymentTokenIssuer } from '../../../http/authConfig.js';
import type { ServerKeyName } from './serverKeys.js';

export const LEDGER_ISSUER = 'mpac-ledger';
export const TERMINAL_TOKEN_LIFETIME_SECONDS = 120;
export const PAYMENT_TOKEN_LIFETIME_SECONDS = 24 * 3600;
/** Longer bearer values are refused unread. */
export const BEARER_TOKEN_LENGTH_MAX = 4_096;
/** Tolerated clock difference between ledger processes. */
const CLOCK_TOLERANCE_SECONDS = 5;

const TOKEN_TYPES = { terminal: 'mpac-terminal+jwt', payment_token: 'mpac-payment+jwt' } as const;

const ulidId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[0-7][0-9A-HJKMNP-TV-Z]{25}$`));
const claimsSchema = z.discriminatedUnion('scope', [
  z.object({
    scope: z.literal('terminal'),
    sub: ulidId('trm'),
    store_id: ulidId('str'),
    merchant_id: ulidId('mer'),
    client_partner_id: ulidId('cp'),
  }),
  z.object({
    scope: z.literal('payment_token'),
    sub: z.string().regex(/^pi_[0-9A-HJKMNP-TV-Z]{26}$/),
    merchant_id: ulidId('mer'),
    client_partner_id: ulidId('cp'),
  }),
]);

export type TerminalTokenClaims = Readonly<{ terminalId: string; storeId: string; merchantId: string; clientPartnerId: string }>;
export type PaymentTokenClaims = Readonly<{ paymentIntentId: string; merchantId: string; clientPartnerId: string }>;

export type VerifiedToken = (Readonly<{ kind: 'terminal' }> & TerminalTokenClaims) | (Readonly<{ kind: 'payment_token' }> & PaymentTokenClaims);

export type TokenVerification = Readonly<{ ok: true; token: VerifiedToken }> | Readonly<{ ok: false; code: 'invalid_token' | 'token_expired' }>;

export type TokenService = Readonly<{
  issueTerminalToken: (claims: TerminalTokenClaims) => Promise<Readonly<{ accessToken: string; expiresInSeconds: number }>>;
  issuePaymentToken: PaymentTokenIssuer;
  /** Verifies a bearer value; a database failure (loading the key) rejects instead. */
  verify: (token: string) => Promise<TokenVerification>;
}>;

export type TokenServiceOptions = Readonly<{
  serverKey: (name: ServerKeyName) => Promise<Uint8Array>;
  now: () => Date;
  newUuid: () => string;
}>;

/**
 * @example
 * const tokens = createTokenService({ serverKey: serverKeyLoader(client), now: () => new Date(), newUuid: randomUUID });
 * const paymentToken = await tokens.issuePaymentToken({ paymentIntentId: 'pi_01…', clientPartnerId: 'cp_01…', merchantId: 'mer_01…' });
 * const verified = await tokens.verify(paymentToken); // { ok: true, token: { kind: 'payment_token', paymentIntentId: 'pi_01…', … } }
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const remembered = new Map<string, { verification: TokenVerification; expiresAtMs: number }>();
  const sign = async (scope: keyof typeof TOKEN_TYPES, subject: string, claims: Record<string, string>, lifetimeSeconds: number) => {
    const issuedAt = Math.floor(options.now().getTime() / 1000);
    return new SignJWT({ scope, ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: TOKEN_TYPES[scope] })
      .setIssuer(LEDGER_ISSUER)
      .setAudience(LEDGER_ISSUER)
      .setSubject(subject)
      .setJti(options.newUuid())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + lifetimeSeconds)
      .sign(await options.serverKey('token_signing'));
  };
  return {
    issueTerminalToken: async (claims) => {
      const accessToken = await sign(
        'terminal',
        claims.terminalId,
        { store_id: claims.storeId, merchant_id: claims.merchantId, client_partner_id: claims.clientPartnerId },
        TERMINAL_TOKEN_LIFETIME_SECONDS,
      );
      return { accessToken, expiresInSeconds: TERMINAL_TOKEN_LIFETIME_SECONDS };
    },
    issuePaymentToken: (claims) =>
      sign('payment_token', claims.paymentIntentId, { merchant_id: claims.merchantId, client_partner_id: claims.clientPartnerId }, PAYMENT_TOKEN_LIFETIME_SECONDS),
    verify: (token) => verifyCached(token),
  };

  /**
   * A terminal reuses its token for up to 120 s: verifying the signature once and remembering the
   * result until the token's `exp` saves a JWS verification per request (about a fifth of the
   * server's CPU in bench/commands). Only valid tokens are remembered; bounded in size.
   */
  async function verifyCached(token: string): Promise<TokenVerification> {
    const nowMs = options.now().getTime();
    const cached = remembered.get(token);
    if (cached !== undefined && nowMs < cached.expiresAtMs) return cached.verification;
    if (cached !== undefined) remembered.delete(token);
    const [verification, expiresAtMs] = await verifyToken(options, token);
    if (verification.ok && expiresAtMs !== undefined) {
      if (remembered.size >= VERIFIED_TOKENS_MAX) remembered.delete(remembered.keys().next().value ?? '');
      remembered.set(token, { verification, expiresAtMs });
    }
    return verification;
  }
}

const VERIFIED_TOKENS_MAX = 10_000;

/** The verification and, for a valid token, when it expires (ms). */
async function verifyToken(options: TokenServiceOptions, token: string): Promise<[TokenVerification, number | undefined]> {
  if (token.length > BEARER_TOKEN_LENGTH_MAX) return [{ ok: false, code: 'invalid_token' }, undefined];
  const key = await options.serverKey('token_signing');
  try {
    const { payload, protectedHeader } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: LEDGER_ISSUER,
      audience: LEDGER_ISSUER,
      currentDate: options.now(),
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['sub', 'iat', 'exp', 'jti'],
    });
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success || protectedHeader.typ !== TOKEN_TYPES[claims.data.scope]) return [{ ok: false, code: 'invalid_token' }, undefined];
    const { data } = claims;
    const common = { merchantId: data.merchant_id, clientPartnerId: data.client_partner_id };
    const expiresAtMs = typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
    return data.scope === 'terminal'
      ? [{ ok: true, token: { kind: 'terminal', terminalId: data.sub, storeId: data.store_id, ...common } }, expiresAtMs]
      : [{ ok: true, token: { kind: 'payment_token', paymentIntentId: data.sub, ...common } }, expiresAtMs];
  } catch (error) {
    if (error instanceof errors.JWTExpired) return [{ ok: false, code: 'token_expired' }, undefined];
    if (error instanceof errors.JOSEError) return [{ ok: false, code: 'invalid_token' }, undefined];
    throw error;
  }
}
