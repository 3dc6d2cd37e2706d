/**
 * The authentication services of one process, built once by the composition root and shared by
 * the auth hook, the terminal token route, the tenancy routes (credential sealing) and the
 * PaymentIntent routes (payment tokens).
 */
import type { PaymentTokenIssuer } from '../../../http/authConfig.js';
import type { EventStore } from '../../../domain/eventStore/index.js';
import type { SqlClient } from '../db/sqlClient.js';
import { createCredentialCipher, type CredentialCipher } from './credentialCipher.js';
import { pruneExpiredNonces } from './nonceStore.js';
import { serverKeyLoader } from './serverKeys.js';
import { createTenancyDirectory, TENANCY_DIRECTORY_DEFAULTS, type TenancyDirectory } from './tenancyDirectory.js';
import { createTokenService, type TokenService } from './tokens.js';
import { createStaffCredentialStore, type StaffCredentialStore } from './staffCredentials.js';
import { newPrefixedId } from '../ids.js';

export type AuthenticationOptions = Readonly<{
  client: SqlClient;
  store: EventStore;
  now: () => Date;
  newUuid: () => string;
  /** `LEDGER_MASTER_KEY` (64 hex); undefined keeps a generated key in the database. */
  masterKeyHex: string | undefined;
  /**
   * The bootstrap operator secret (`X-Operator-Secret`, acts as role operator): `LEDGER_OPERATOR_SECRET`,
   * or `data/operator.secret` on the embedded store; undefined: only staff credentials.
   */
  operatorSecret?: string | undefined;
  /** How stale a partner's key/status or a terminal's status may be (≤ 5 000 ms). Default 2 000. */
  cacheTtlMs?: number;
}>;

export type Authentication = Readonly<{
  client: SqlClient;
  now: () => Date;
  directory: TenancyDirectory;
  tokens: TokenService;
  /** Seals provider credentials (the tenancy routes' `CredentialSealer`). */
  credentials: CredentialCipher;
  /** For the PaymentIntent routes: a 24 h token for one intent. */
  issuePaymentToken: PaymentTokenIssuer;
  /** Staff credentials (operator, auditor, ops, merchant_reader). */
  staff: StaffCredentialStore;
  /** The bootstrap operator secret, if any. */
  operatorSecret: string | undefined;
  /** Deletes expired nonces and assertion ids; returns how many. */
  pruneExpiredNonces: () => Promise<number>;
}>;

/**
 * @example
 * const authentication = createAuthentication({ client, store, now: () => new Date(), newUuid: randomUUID,
 *   masterKeyHex: process.env.LEDGER_MASTER_KEY });
 * registerAuthentication(app, authentication);
 */
export function createAuthentication(options: AuthenticationOptions): Authentication {
  const serverKey = serverKeyLoader(options.client);
  const directory = createTenancyDirectory({
    store: options.store,
    now: options.now,
    cacheTtlMs: options.cacheTtlMs ?? TENANCY_DIRECTORY_DEFAULTS.cacheTtlMs,
    cacheEntriesMax: TENANCY_DIRECTORY_DEFAULTS.cacheEntriesMax,
  });
  const tokens = createTokenService({ serverKey, now: options.now, newUuid: options.newUuid });
  return {
    client: options.client,
    now: options.now,
    directory,
    tokens,
    credentials: createCredentialCipher({ masterKeyHex: options.masterKeyHex, serverKey }),
    issuePaymentToken: tokens.issuePaymentToken,
    pruneExpiredNonces: () => pruneExpiredNonces(options.client, options.now()),
    staff: createStaffCredentialStore({ client: options.client, now: options.now, newId: newPrefixedId }),
    operatorSecret: options.operatorSecret,
  };
}
