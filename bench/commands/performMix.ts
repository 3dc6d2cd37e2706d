/**
 * One request of the terminal mix: the next request of worker `worker`'s script, sent with that
 * terminal's token (and an idempotency key on POSTs), its answer checked by the script.
 */
import type { HttpClient } from '../shared/httpClient.js';
import type { TerminalTokens } from './ledgerSetup.js';
import type { Outcome } from './load.js';
import type { TerminalMixWorker } from './terminalMix.js';

export function terminalMixPerformer(
  client: HttpClient,
  workers: readonly TerminalMixWorker[],
  tokens: TerminalTokens,
  runId: string,
): (worker: number, sequence: number) => Promise<Outcome> {
  return async (worker, sequence) => {
    const mix = workers[worker];
    if (mix === undefined) throw new Error(`no terminal mix worker ${worker}`);
    const request = mix.next();
    const headers: Record<string, string> = { ...tokens.authorization(worker), accept: 'application/json' };
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['idempotency-key'] = `${runId}-${worker}-${sequence}`;
    }
    let answer;
    try {
      answer = await client.request(request.method, request.path, headers, request.body);
    } catch (error) {
      mix.abandon();
      throw error;
    }
    try {
      mix.settle(request, answer.status, answer.body);
      return { kind: request.kind, ok: true, status: answer.status, detail: '' };
    } catch (error) {
      return { kind: request.kind, ok: false, status: answer.status, detail: error instanceof Error ? error.message : String(error) };
    }
  };
}
