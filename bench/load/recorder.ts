import { percentile, round3, summarize } from '../shared/latency.js';
import type { LatencyMs } from '../commands/load.js';

/**
 * Every request of an open-loop run, one row each, kept in columns (a run holds a few hundred
 * thousand): when it was *meant* to start (its flow's slot on the schedule, or the previous step's
 * answer), when it ended, its kind and how it ended. Windows and per-second series are cut from the
 * rows afterwards, so one run can be read as capacity steps, stress phases or seconds.
 *
 * Times are milliseconds since the run's clock started (`performance.now()` based).
 */
export type RequestEnd =
  Readonly<{ kind: 'answer'; status: number; ok: boolean; shed?: ShedAnswer; detail?: string }> | Readonly<{ kind: 'network' | 'timeout' | 'client_saturated'; detail?: string }>;

/** What a 429/503 carried: the headers and the problem document a client needs to back off. */
export type ShedAnswer = Readonly<{ retryAfter: boolean; problemJson: boolean; code: string | null }>;

const DETAILS_PER_KEY = 20;
const FLAG_OK = 1;
const FLAG_SHED = 2;
const FLAG_RETRY_AFTER = 4;
const FLAG_PROBLEM_JSON = 8;
/** Status column values for requests without an HTTP answer. */
const NO_ANSWER: Readonly<Record<'network' | 'timeout' | 'client_saturated', number>> = { network: -1, timeout: -2, client_saturated: -3 };

class Column {
  data = new Float64Array(1 << 15);

  set(index: number, value: number): void {
    if (index >= this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[index] = value;
  }
}

export type WindowSummary = Readonly<{
  /** Requests meant to start in the window (client_saturated ones included). */
  requests: number;
  offeredPerS: number;
  /** Answered with the expected status. */
  accepted: number;
  acceptedPerS: number;
  /** `examples`: the first recorded answer or error of each key (when it is among the first kept). */
  errors: Readonly<{ total: number; rate: number; byKey: Readonly<Record<string, number>>; examples: Readonly<Record<string, string>> }>;
  /** Accepted requests, from the meant start (coordinated omission corrected). */
  latencyMs: LatencyMs | null;
  latencyByKindMs: Readonly<Record<string, LatencyMs>>;
  byStatus: Readonly<Record<string, number>>;
  shed: ShedSummary;
}>;

export type ShedSummary = Readonly<{ total: number; withRetryAfter: number; withProblemJson: number; withCode: number; codes: Readonly<Record<string, number>> }>;

export class RequestRecorder {
  private readonly intended = new Column();
  private readonly ended = new Column();
  private readonly kinds = new Column();
  private readonly statuses = new Column();
  private readonly flags = new Column();
  private readonly kindNames: string[] = [];
  private readonly shedCodes = new Map<number, string>();
  /** What a failed request got (the answer's start, or the error), for the first failures of each key. */
  private readonly details = new Map<number, string>();
  private readonly detailsPerKey = new Map<string, number>();
  private size = 0;

  get count(): number {
    return this.size;
  }

  add(kind: string, intendedMs: number, endedMs: number, end: RequestEnd): void {
    const row = this.size;
    this.size += 1;
    let kindIndex = this.kindNames.indexOf(kind);
    if (kindIndex < 0) kindIndex = this.kindNames.push(kind) - 1;
    this.intended.set(row, intendedMs);
    this.ended.set(row, endedMs);
    this.kinds.set(row, kindIndex);
    if (end.detail !== undefined) this.keepDetail(row, end.kind === 'answer' ? `${kind}:${end.status}` : end.kind, end.detail);
    if (end.kind !== 'answer') {
      this.statuses.set(row, NO_ANSWER[end.kind]);
      this.flags.set(row, 0);
      return;
    }
    this.statuses.set(row, end.status);
    let flags = end.ok ? FLAG_OK : 0;
    if (end.shed !== undefined) {
      flags |= FLAG_SHED | (end.shed.retryAfter ? FLAG_RETRY_AFTER : 0) | (end.shed.problemJson ? FLAG_PROBLEM_JSON : 0);
      if (end.shed.code !== null) this.shedCodes.set(row, end.shed.code);
    }
    this.flags.set(row, flags);
  }

  private keepDetail(row: number, key: string, detail: string): void {
    const kept = this.detailsPerKey.get(key) ?? 0;
    if (kept >= DETAILS_PER_KEY) return;
    this.detailsPerKey.set(key, kept + 1);
    this.details.set(row, detail);
  }

  /** Requests meant to start in [fromMs, toMs). */
  window(fromMs: number, toMs: number): WindowSummary {
    const seconds = (toMs - fromMs) / 1000;
    const latencies: number[] = [];
    const byKind = new Map<string, number[]>();
    const errors: Record<string, number> = {};
    const examples: Record<string, string> = {};
    const byStatus: Record<string, number> = {};
    const shed = { total: 0, withRetryAfter: 0, withProblemJson: 0, withCode: 0, codes: {} as Record<string, number> };
    let requests = 0;
    for (let row = 0; row < this.size; row += 1) {
      const intended = this.intended.data[row] ?? 0;
      if (intended < fromMs || intended >= toMs) continue;
      requests += 1;
      const kind = this.kindNames[this.kinds.data[row] ?? 0] ?? '?';
      const status = this.statuses.data[row] ?? 0;
      const flags = this.flags.data[row] ?? 0;
      const statusKey = statusName(status);
      byStatus[statusKey] = (byStatus[statusKey] ?? 0) + 1;
      if ((flags & FLAG_OK) !== 0) {
        const latency = (this.ended.data[row] ?? 0) - intended;
        latencies.push(latency);
        const list = byKind.get(kind) ?? [];
        list.push(latency);
        byKind.set(kind, list);
        continue;
      }
      const key = status < 0 ? statusKey : `${kind}:${statusKey}`;
      errors[key] = (errors[key] ?? 0) + 1;
      const detail = this.details.get(row);
      if (detail !== undefined) examples[key] ??= detail;
      if ((flags & FLAG_SHED) === 0) continue;
      shed.total += 1;
      if ((flags & FLAG_RETRY_AFTER) !== 0) shed.withRetryAfter += 1;
      if ((flags & FLAG_PROBLEM_JSON) !== 0) shed.withProblemJson += 1;
      const code = this.shedCodes.get(row);
      if (code !== undefined) {
        shed.withCode += 1;
        shed.codes[code] = (shed.codes[code] ?? 0) + 1;
      }
    }
    const errorTotal = requests - latencies.length;
    return {
      requests,
      offeredPerS: round3(requests / seconds),
      accepted: latencies.length,
      acceptedPerS: round3(latencies.length / seconds),
      errors: { total: errorTotal, rate: requests === 0 ? 0 : errorTotal / requests, byKey: errors, examples },
      latencyMs: latencySummary(latencies),
      latencyByKindMs: Object.fromEntries([...byKind.entries()].map(([kind, list]) => [kind, latencySummary(list) as LatencyMs])),
      byStatus,
      shed,
    };
  }

  /**
   * Per whole second of [fromMs, toMs): accepted requests that *ended* in it, shed answers that
   * ended in it, and the p99 (ms) of accepted requests *meant to start* in it.
   */
  seconds(fromMs: number, toMs: number): Readonly<{ accepted: number[]; shed: number[]; p99Ms: (number | null)[] }> {
    const count = Math.max(0, Math.ceil((toMs - fromMs) / 1000));
    const accepted = new Array<number>(count).fill(0);
    const shed = new Array<number>(count).fill(0);
    const latencies = Array.from({ length: count }, (): number[] => []);
    const bucket = (ms: number): number => Math.floor((ms - fromMs) / 1000);
    for (let row = 0; row < this.size; row += 1) {
      const flags = this.flags.data[row] ?? 0;
      const ended = bucket(this.ended.data[row] ?? 0);
      const started = bucket(this.intended.data[row] ?? 0);
      if ((flags & FLAG_OK) !== 0) {
        if (ended >= 0 && ended < count) accepted[ended] = (accepted[ended] ?? 0) + 1;
        if (started >= 0 && started < count) latencies[started]?.push((this.ended.data[row] ?? 0) - (this.intended.data[row] ?? 0));
      } else if ((flags & FLAG_SHED) !== 0 && ended >= 0 && ended < count) shed[ended] = (shed[ended] ?? 0) + 1;
    }
    return { accepted, shed, p99Ms: latencies.map((list) => (list.length === 0 ? null : (latencySummary(list)?.p99Ms ?? null))) };
  }
}

function statusName(status: number): string {
  if (status === NO_ANSWER.network) return 'network';
  if (status === NO_ANSWER.timeout) return 'timeout';
  if (status === NO_ANSWER.client_saturated) return 'client_saturated';
  return String(status);
}

/** The shared summary (nearest-rank) plus p95, from samples in milliseconds. */
export function latencySummary(samplesMs: readonly number[]): LatencyMs | null {
  if (samplesMs.length === 0) return null;
  const sorted = Float64Array.from(samplesMs, (ms) => ms * 1e6).sort();
  return { ...summarize(sorted), p95Ms: round3(percentile(sorted, 95) / 1e6) };
}
