/**
 * The long-poll of `GET /v1/payment_intents/:id?wait_for_change=<revision>`: a terminal that shows
 * a QR passes the `X-Stream-Revision` it last saw and is answered as soon as the intent's stream has
 * moved past it (a QR recorded, the customer paid, …) or after `timeout_ms` with the state unchanged.
 * It looks at the stream's newest revision every WAIT_POLL_MS (one indexed read of one row), so the
 * terminal learns an outcome within ~50 ms of its append, and stops when the caller goes away.
 */
import type { EventStore } from '../../domain/eventStore/index.js';

export const WAIT_POLL_MS = 50;

/** Resolves when the stream's newest revision differs from `seen`, when `timeoutMs` passed, or when `signal` aborts. */
export async function waitForStreamChange(store: EventStore, stream: string, seen: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!signal.aborted && Date.now() < deadline) {
    const [newest] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    if ((newest?.revision ?? -1) !== seen) return;
    await pause(Math.min(WAIT_POLL_MS, Math.max(0, deadline - Date.now())), signal);
  }
}

/** Waits `ms`, or less if `signal` aborts; leaves no listener behind. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
