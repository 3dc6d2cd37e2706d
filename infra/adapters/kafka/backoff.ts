/** Bounded exponential backoff for the relay's waits (broker down, lock held, database restart). */
export type BackoffPolicy = Readonly<{ initialMs: number; maxMs: number }>;

export const RELAY_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 5_000 };

/**
 * The wait before retry number `attempt` (1-based): initial·2^(attempt−1), capped at `maxMs`, with
 * ±20 % jitter so several relays (or a relay and its standby) do not retry in lockstep.
 * @example backoffDelay(1, RELAY_BACKOFF) // ≈ 100; backoffDelay(10, RELAY_BACKOFF) // ≈ 5000
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.round(Math.min(policy.maxMs, base * (0.8 + 0.4 * random())));
}

/** Waits `ms`, or less if `signal` aborts first (then it resolves, it does not throw). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
