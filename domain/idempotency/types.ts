/**
 * The idempotency port (reference/payments.md (d)). A key is scoped to the authenticated caller
 * (`scope`, e.g. `partner:cp_…` or `terminal:trm_…`); its record holds the request fingerprint and,
 * once the command ran, the response to replay byte for byte.
 */
export type IdempotencyKeyRef = Readonly<{ scope: string; key: string }>;

/** A response as first sent: status code and the exact body text. */
export type StoredResponse = Readonly<{ status: number; body: string }>;

export type IdempotencyBegin =
  /** This caller now owns the key and must complete or release it. */
  | Readonly<{ outcome: 'started' }>
  /** The command already ran with this key and fingerprint: send this again. */
  | Readonly<{ outcome: 'replay'; response: StoredResponse }>
  /** The key was used with other parameters. */
  | Readonly<{ outcome: 'mismatch' }>
  /** Another request with this key is running. */
  | Readonly<{ outcome: 'in_progress'; retryAfterSeconds: number }>;

export interface IdempotencyStore {
  /**
   * Claims the key for `fingerprint`; a claim whose owner is gone (a crashed process) is taken
   * over at once, and a claim past its lease (a hung owner) too. Example: `await store.begin({ scope: 'partner:cp_1', key: 'k-1' }, 'sha256…')`.
   */
  begin(ref: IdempotencyKeyRef, fingerprint: string): Promise<IdempotencyBegin>;
  /** Records the response of a command that appended nothing (a refusal, an error). */
  complete(ref: IdempotencyKeyRef, response: StoredResponse): Promise<void>;
  /** Forgets an unfinished key (a request that must not be pinned: a lost race, an abort). */
  release(ref: IdempotencyKeyRef): Promise<void>;
}

/** Given to `EventStore.append`: the key's response is recorded in the same transaction as the events. */
export type IdempotencyCompletion = IdempotencyKeyRef & Readonly<{ response: StoredResponse }>;
