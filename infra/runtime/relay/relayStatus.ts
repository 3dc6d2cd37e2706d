/** What the relay reports about itself (ops page, readiness, logs): state, checkpoint, backlog, rate. */
import type { LogPosition } from '../../../domain/eventStore/index.js';
import { LOG_START, formatPosition } from '../../../domain/eventStore/index.js';
import type { SqlClient } from '../../adapters/db/sqlClient.js';
import { countBacklog, readRelayCheckpoint } from './relayDb.js';

/**
 * - `disabled`: no broker configured (the embedded default); events wait in the log.
 * - `standby`: another process holds this relay's lock; this one takes over when it goes.
 * - `starting`: connecting to the database or the broker.
 * - `running`: publishing, or caught up and waiting for new events.
 * - `waiting_for_broker`: Kafka is unreachable; retrying with backoff (≤ 5 s), nothing is skipped.
 * - `failed`: an error other than the broker's stopped the relay; it restarts after a backoff —
 *   except a stored event it cannot decode (`UndecodableEventError`): then it halts here, at the
 *   checkpoint before that event, with `lastError` naming it, until restarted with a codec that reads it.
 * - `stopped`: `stop()` finished.
 */
export type RelayState = 'disabled' | 'standby' | 'starting' | 'running' | 'waiting_for_broker' | 'failed' | 'stopped';

export type RelayStatus = Readonly<{
  name: string;
  state: RelayState;
  topic: string;
  /** The last position acknowledged by the broker and committed (`"xid:gp"`); null if the relay never ran. */
  checkpoint: string | null;
  /** PaymentIntent events in the log after the checkpoint. */
  backlogEvents: number;
  /** Age of the oldest event in the backlog (0 when it is empty). */
  secondsBehind: number;
  /** Log events relayed per second over the last 10 s (this process). */
  eventsPerSecond: number;
  /** Integration messages acknowledged by the broker since this process started the relay. */
  messagesPublished: number;
  /** Failed connects or produce requests to the broker since this process started the relay (each is retried). */
  publishErrors: number;
  lastError: Readonly<{ message: string; at: string }> | null;
  lastPublishedAt: string | null;
}>;

export { RateMeter } from '../../adapters/observability/rateMeter.js';

export type RelayStatusQuery = Readonly<{
  client: SqlClient;
  name: string;
  topic: string;
  /** Default `disabled`: the view of a relay that is not running in this process. */
  state?: RelayState;
  /** Default: SQL over `ledger_events` (see RelayOptions.countBacklog). */
  countBacklog?: ((from: LogPosition) => Promise<number>) | undefined;
}>;

/**
 * The status of relay `name` from the database alone: its checkpoint and backlog. This is what a
 * process without a broker (KAFKA_BROKERS unset) reports: `disabled`, with every PaymentIntent
 * event after the checkpoint (or the whole log) waiting.
 *
 * @example await relayStatus({ client, name: 'payments', topic: 'mpac.payments.v1' }) // { state: 'disabled', backlogEvents: 42, … }
 */
export async function relayStatus(query: RelayStatusQuery): Promise<RelayStatus> {
  const stored = await readRelayCheckpoint(query.client, query.name);
  const from: LogPosition = stored?.position ?? LOG_START;
  // With the log outside PostgreSQL (EventStoreDB) the count comes through the port, without an age.
  const backlog = query.countBacklog === undefined ? await countBacklog(query.client, from) : { events: await query.countBacklog(from), oldestRecordedAt: null };
  const secondsBehind = backlog.oldestRecordedAt === null ? 0 : Math.max(0, (Date.now() - Date.parse(backlog.oldestRecordedAt)) / 1000);
  return {
    name: query.name,
    state: query.state ?? 'disabled',
    topic: query.topic,
    checkpoint: stored === undefined ? null : formatPosition(stored.position),
    backlogEvents: backlog.events,
    secondsBehind: Math.round(secondsBehind * 1000) / 1000,
    eventsPerSecond: 0,
    messagesPublished: 0,
    publishErrors: 0,
    lastError: null,
    lastPublishedAt: stored?.updatedAt ?? null,
  };
}
