/**
 * The audit bundle (docs/audit.md): NDJSON, one event per line, then one manifest line.
 *
 * - Event line: the event as an auditor sees it (`toAuditEvent`) as JSON, with a last field
 *   `line_hash` = SHA-256(previous line_hash ‖ the line's bytes without that field, i.e. the JSON
 *   of the event alone), 64 zeros before the first. The event's own `hash` covers its content (the
 *   store's chain); `line_hash` covers every byte of the line and the order of lines, so any
 *   changed byte of a line breaks at that line and names its event.
 * - Manifest line (`"kind":"manifest"`): the range, counts, the first link of each stream in the
 *   bundle (`anchors`: revision and prev_hash — the bundle cannot check links before its range),
 *   the chain head of each stream (`heads`), the last `line_hash`, and the read-model digests.
 *
 * `verifyBundle` needs no database: it recomputes every event hash, every line hash, each stream's
 * links from its anchor, and compares heads and counts with the manifest.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { canonicalEventText, comparePositions, GENESIS_HASH, parsePosition } from '../../../domain/eventStore/index.js';
import { chainHash } from '../../adapters/eventStore/hashChain.js';
import type { AuditEvent } from './auditLog.js';
import type { ProjectionDigest } from './readModelDigests.js';

export const BUNDLE_FORMAT = 'mpac.audit.bundle.v1';

export type StreamLink = Readonly<{ revision: number; hash: string }>;
export type StreamAnchor = Readonly<{ revision: number; prev_hash: string }>;

export type BundleManifest = Readonly<{
  kind: 'manifest';
  format: typeof BUNDLE_FORMAT;
  from: string;
  to: string;
  created_at: string;
  events: number;
  streams: number;
  first_position: string | null;
  last_position: string | null;
  last_line_hash: string;
  anchors: Readonly<Record<string, StreamAnchor>>;
  heads: Readonly<Record<string, StreamLink>>;
  read_models: readonly ProjectionDigest[];
}>;

export type BundleLine = AuditEvent & Readonly<{ line_hash: string }>;

const LINE_HASH_FIELD = ',"line_hash":"';
/** `,"line_hash":"` + 64 hex + `"}`: the fixed-length end of every event line. */
const LINE_HASH_SUFFIX_LENGTH = LINE_HASH_FIELD.length + 64 + 2;

/** The line hash of an event line whose JSON without `line_hash` is `body`. */
export function lineHash(previousLineHash: string, body: string): string {
  return createHash('sha256').update(previousLineHash, 'hex').update(body, 'utf8').digest('hex');
}

/** The JSON of the event alone (the bytes `line_hash` covers), or undefined when the line does not end with a line hash. */
function lineBody(text: string): string | undefined {
  const suffix = text.slice(-LINE_HASH_SUFFIX_LENGTH);
  if (!suffix.startsWith(LINE_HASH_FIELD) || !suffix.endsWith('"}')) return undefined;
  return `${text.slice(0, -LINE_HASH_SUFFIX_LENGTH)}}`;
}

/** Builds a bundle line by line (the exporter feeds it events in log order). */
export class BundleWriter {
  private previous = GENESIS_HASH;
  private count = 0;
  private first: string | null = null;
  private last: string | null = null;
  private readonly anchors: Record<string, StreamAnchor> = {};
  private readonly heads: Record<string, StreamLink> = {};

  /** The NDJSON line of `event` (with its newline). */
  line(event: AuditEvent): string {
    const body = JSON.stringify(event);
    this.previous = lineHash(this.previous, body);
    this.count += 1;
    this.first ??= event.position;
    this.last = event.position;
    this.anchors[event.stream] ??= { revision: event.revision, prev_hash: event.prev_hash };
    this.heads[event.stream] = { revision: event.revision, hash: event.hash };
    return `${body.slice(0, -1)}${LINE_HASH_FIELD}${this.previous}"}\n`;
  }

  manifest(range: Readonly<{ from: string; to: string; createdAt: string; readModels: readonly ProjectionDigest[] }>): string {
    const manifest: BundleManifest = {
      kind: 'manifest',
      format: BUNDLE_FORMAT,
      from: range.from,
      to: range.to,
      created_at: range.createdAt,
      events: this.count,
      streams: Object.keys(this.heads).length,
      first_position: this.first,
      last_position: this.last,
      last_line_hash: this.previous,
      anchors: this.anchors,
      heads: this.heads,
      read_models: range.readModels,
    };
    return `${JSON.stringify(manifest)}\n`;
  }
}

export type BundleProblem = Readonly<{ line: number; event_id: string | null; stream: string | null; revision: number | null; reason: string }>;
export type BundleReport = Readonly<{ ok: boolean; events: number; streams: number; problem: BundleProblem | null; manifest: BundleManifest | null }>;

const idInLine = (text: string): string | null => /"id":"([0-9a-f-]{36})"/.exec(text)?.[1] ?? null;

type Verifying = { previous: string; count: number; lastPosition: string | null; heads: Map<string, StreamLink>; anchors: Map<string, StreamAnchor> };

/** Checks one event line (`text` as read); returns the reason it fails, or undefined. */
function checkLine(state: Verifying, line: BundleLine, text: string): string | undefined {
  const body = lineBody(text);
  if (body === undefined) return 'line_hash_mismatch: the line does not end with its line_hash';
  const expectedLine = lineHash(state.previous, body);
  const position = parsePosition(line.position);
  if (position === undefined) return `position ${line.position} is not a log position`;
  if (state.lastPosition !== null && comparePositions(position, parsePosition(state.lastPosition) ?? position) <= 0)
    return `position ${line.position} is not after ${state.lastPosition}`;
  const content = chainHash(
    line.prev_hash,
    canonicalEventText(line.stream, { id: line.id, type: line.type, schemaVersion: line.schema_version, data: line.data, metadata: line.metadata }, line.recorded_at),
  );
  if (content !== line.hash) return 'hash_mismatch: the event content does not give its hash';
  const head = state.heads.get(line.stream);
  if (head !== undefined) {
    if (line.revision !== head.revision + 1) return `revision_gap: revision ${line.revision} after ${head.revision}`;
    if (line.prev_hash !== head.hash) return 'prev_hash_mismatch: prev_hash is not the hash of the previous event of the stream';
  } else if (line.revision === 0 && line.prev_hash !== GENESIS_HASH) return 'prev_hash_mismatch: the first event of a stream must link to the genesis hash';
  if (expectedLine !== line.line_hash) return 'line_hash_mismatch: the line was changed (position, revision, links or order)';
  return undefined;
}

/**
 * Verifies a bundle file with no database.
 *
 * @example const report = await verifyBundle('audit.ndjson', (n) => bar.update(n)); // { ok: false, problem: { line: 812, event_id: '…', reason: 'hash_mismatch: …' } }
 */
export async function verifyBundle(file: string, onProgress?: (eventsChecked: number) => void): Promise<BundleReport> {
  const state: Verifying = { previous: GENESIS_HASH, count: 0, lastPosition: null, heads: new Map(), anchors: new Map() };
  let manifest: BundleManifest | null = null;
  let lineNumber = 0;
  const fail = (problem: BundleProblem): BundleReport => ({ ok: false, events: state.count, streams: state.heads.size, problem, manifest });
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const text of lines) {
    lineNumber += 1;
    if (manifest !== null) return fail({ line: lineNumber, event_id: idInLine(text), stream: null, revision: null, reason: 'a line after the manifest' });
    let parsed: BundleLine | BundleManifest;
    try {
      parsed = JSON.parse(text) as BundleLine | BundleManifest;
    } catch {
      return fail({ line: lineNumber, event_id: idInLine(text), stream: null, revision: null, reason: 'the line is not JSON (changed bytes)' });
    }
    if ('kind' in parsed) {
      manifest = parsed;
      continue;
    }
    const reason = checkLine(state, parsed, text);
    if (reason !== undefined) return fail({ line: lineNumber, event_id: parsed.id, stream: parsed.stream, revision: parsed.revision, reason });
    state.previous = parsed.line_hash;
    state.count += 1;
    state.lastPosition = parsed.position;
    if (!state.anchors.has(parsed.stream)) state.anchors.set(parsed.stream, { revision: parsed.revision, prev_hash: parsed.prev_hash });
    state.heads.set(parsed.stream, { revision: parsed.revision, hash: parsed.hash });
    if (state.count % 10_000 === 0) onProgress?.(state.count);
  }
  onProgress?.(state.count);
  const mismatch = manifest === null ? 'the bundle has no manifest line' : manifestMismatch(state, manifest);
  if (mismatch !== undefined) return fail({ line: lineNumber, event_id: null, stream: null, revision: null, reason: mismatch });
  return { ok: true, events: state.count, streams: state.heads.size, problem: null, manifest };
}

function manifestMismatch(state: Verifying, manifest: BundleManifest): string | undefined {
  if (manifest.format !== BUNDLE_FORMAT) return `unknown format ${String(manifest.format)}`;
  if (manifest.events !== state.count) return `the manifest counts ${manifest.events} events, the bundle has ${state.count}`;
  if (manifest.last_line_hash !== state.previous) return 'the manifest last_line_hash is not the last line hash';
  if (manifest.last_position !== state.lastPosition) return `the manifest last_position ${String(manifest.last_position)} is not the last event's ${String(state.lastPosition)}`;
  const streams = new Set([...Object.keys(manifest.heads), ...state.heads.keys()]);
  for (const stream of streams) {
    const claimed = manifest.heads[stream];
    const found = state.heads.get(stream);
    if (claimed?.hash !== found?.hash || claimed?.revision !== found?.revision)
      return `stream ${stream}: the manifest head is not the bundle's (revision ${String(claimed?.revision)} vs ${String(found?.revision)})`;
    const anchor = manifest.anchors[stream];
    const first = state.anchors.get(stream);
    if (anchor?.prev_hash !== first?.prev_hash || anchor?.revision !== first?.revision) return `stream ${stream}: its first event is not the manifest's anchor`;
  }
  return undefined;
}
