/**
 * Partner servers: HMAC-SHA256 request signatures (see partnerSignature.ts for the message). The
 * checks run cheapest first and touch storage last, so a refused request leaves nothing behind:
 * headers present and well-formed → timestamp within ±300 s → the partner exists → the signature
 * verifies (constant time) → the partner is not suspended → the nonce was never used.
 */
import type { FastifyRequest } from 'fastify';
import type { SqlClient } from '../db/sqlClient.js';
import { refuse, type AuthOutcome } from '../../../http/authProblems.js';
import { recordPartnerNonce } from './nonceStore.js';
import { NONCE_PATTERN, PARTNER_HEADERS, SIGNATURE_PATTERN, SIGNATURE_WINDOW_SECONDS, TIMESTAMP_PATTERN, verifyPartnerSignature } from '../../../http/partnerSignature.js';
import type { TenancyDirectory } from './tenancyDirectory.js';

export type PartnerAuthDependencies = Readonly<{
  client: SqlClient;
  directory: TenancyDirectory;
  now: () => Date;
}>;

/**
 * A nonce is kept for the window plus this margin, covering ledger processes whose clocks differ
 * a little: one that runs behind still refuses the replay.
 */
const NONCE_RETENTION_MARGIN_SECONDS = 60;
const CLIENT_ID_LENGTH_MAX = 64;

/**
 * The value of a header sent exactly once; a repeated one counts as missing (ambiguous).
 *
 * @example singleHeader(request, 'x-nonce') // 'n0nce-0123456789ab' | undefined
 */
export function singleHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? undefined : value;
}

/**
 * Whether the request carries any partner signature header (to choose the scheme).
 *
 * @example if (hasPartnerHeaders(request)) return authenticatePartner(dependencies, request);
 */
export function hasPartnerHeaders(request: FastifyRequest): boolean {
  return Object.values(PARTNER_HEADERS).some((name) => request.headers[name] !== undefined);
}

/**
 * @example const outcome = await authenticatePartner({ client, directory, now }, request); // { ok: true, principal: { kind: 'partner', clientPartnerId: 'cp_01…' } }
 */
export async function authenticatePartner(dependencies: PartnerAuthDependencies, request: FastifyRequest): Promise<AuthOutcome> {
  const clientId = singleHeader(request, PARTNER_HEADERS.clientId);
  const timestampText = singleHeader(request, PARTNER_HEADERS.timestamp);
  const nonce = singleHeader(request, PARTNER_HEADERS.nonce);
  const signature = singleHeader(request, PARTNER_HEADERS.signature);
  if (clientId === undefined || timestampText === undefined || nonce === undefined || signature === undefined) {
    return refuse('authentication_required', 'send X-Client-Id, X-Timestamp, X-Nonce and X-Signature, each once');
  }
  if (!TIMESTAMP_PATTERN.test(timestampText) || !NONCE_PATTERN.test(nonce) || !SIGNATURE_PATTERN.test(signature)) {
    return refuse('invalid_signature', 'X-Timestamp is unix seconds, X-Nonce 16–64 characters of [A-Za-z0-9_-], X-Signature 64 hex characters');
  }
  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor(dependencies.now().getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_WINDOW_SECONDS) {
    return refuse('stale_timestamp', `X-Timestamp must be within ${SIGNATURE_WINDOW_SECONDS} s of the ledger's clock (now ${nowSeconds})`);
  }
  const partner = clientId.length <= CLIENT_ID_LENGTH_MAX ? await dependencies.directory.clientPartner(clientId) : undefined;
  if (partner === undefined || partner.status === 'unregistered') return refuse('unknown_client', 'no client partner has this X-Client-Id');
  const signed = { method: request.method, pathWithQuery: request.url, timestamp, nonce, body: request.rawBody };
  if (!verifyPartnerSignature(partner.secretSha256Hex, signed, signature)) {
    return refuse('invalid_signature', 'the signature does not match this request (method, path with query, timestamp, nonce, body SHA-256)');
  }
  if (partner.status === 'suspended') return refuse('client_suspended', 'this client partner is suspended');
  const expiresAt = new Date((timestamp + SIGNATURE_WINDOW_SECONDS + NONCE_RETENTION_MARGIN_SECONDS) * 1000);
  if (!(await recordPartnerNonce(dependencies.client, partner.clientPartnerId, nonce, expiresAt))) {
    return refuse('replayed_nonce', 'this X-Nonce was already used; sign every request with a fresh nonce');
  }
  return { ok: true, principal: { kind: 'partner', clientPartnerId: partner.clientPartnerId } };
}
