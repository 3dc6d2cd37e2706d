/**
 * The integration relay (ARCHITECTURE.md §3, §8; docs/integration-events.md): a checkpointed
 * subscriber of the whole log that maps PaymentIntent events to the public integration events and
 * publishes them to Kafka with an idempotent producer.
 *
 * Per batch: load the intents' contexts → map → publish, waiting (bounded exponential backoff,
 * ≤ 5 s) while the broker is down → only after the broker acknowledged every message, commit the
 * checkpoint and the contexts in one transaction. A crash between the acknowledgement and the
 * commit re-publishes that batch: a duplicate with the same event ids, never a loss.
 * One active relay per name and database (a PostgreSQL session advisory lock); others stand by.
 */
import type { LogPosition, RecordedEvent } from '../../../domain/eventStore/index.js';
import { formatPosition } from '../../../domain/eventStore/index.js';
import { PAYMENT_INTENT_STREAM_PREFIX, toPaymentIntentStreamName } from '../../../domain/paymentIntent/index.js';
import type { IntentContext, OutgoingIntegrationEvent, SourceEvent } from '../../../projections/integration/index.js';
import { foldIntentContext, intentsNeedingContext, mapBatch, toSourceEvent } from '../../../projections/integration/index.js';
import { isUndecodableEventError } from '../../../schemas/events/index.js';
import { backoffDelay, sleep } from '../../adapters/kafka/backoff.js';
import type { Publisher } from '../../adapters/kafka/publisher.js';
import { createKafkaPublisher } from '../../adapters/kafka/publisher.js';
import { RelayStoppedError, changedContexts, type InFlightBatch, type RelayHandle } from './relayParts.js';

export type { RelayHandle };
import type { RelayDb } from './relayDb.js';
import { withRelayLock } from './relayDb.js';
import type { RelayOptions, RelaySettings } from './relayOptions.js';
import { relaySettings } from './relayOptions.js';
import type { RelayState, RelayStatus } from './relayStatus.js';
import { RateMeter, relayStatus } from './relayStatus.js';
import { startSendSpans } from './relayTracing.js';

class Relay {
  private state: RelayState = 'starting';
  private position: LogPosition | undefined;
  private readonly abort = new AbortController();
  /** Aborts on stop or when the lock session of the current active period dies. */
  private activeSignal: AbortSignal = this.abort.signal;
  private readonly meter = new RateMeter();
  private messagesPublished = 0;
  private publishErrors = 0;
  private lastError: RelayStatus['lastError'] = null;
  private lastPublishedAt: string | null = null;
  /** The batch being published and committed, and the contexts it will commit. */
  private inFlight: Promise<void> = Promise.resolve();
  private inFlightContexts: ReadonlyMap<string, IntentContext> = new Map();
  readonly done: Promise<void>;

  constructor(
    private readonly settings: RelaySettings,
    private readonly publisher: Publisher,
  ) {
    this.done = this.run();
  }

  async status(): Promise<RelayStatus> {
    const { client, name, topic, countBacklog } = this.settings;
    const stored = await relayStatus({ client, name, topic, state: this.state, countBacklog });
    return {
      ...stored,
      eventsPerSecond: this.meter.perSecond(),
      messagesPublished: this.messagesPublished,
      publishErrors: this.publishErrors,
      lastError: this.lastError,
      lastPublishedAt: this.lastPublishedAt ?? stored.lastPublishedAt,
    };
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  private get signal(): AbortSignal {
    return this.abort.signal;
  }

  private setState(state: RelayState): void {
    if (this.state === state) return;
    this.state = state;
    this.settings.logger.info({ relay: this.settings.name, state, checkpoint: this.position && formatPosition(this.position) }, `relay ${state}`);
  }

  private recordError(error: unknown): void {
    this.lastError = { message: error instanceof Error ? error.message : String(error), at: new Date().toISOString() };
  }

  private async run(): Promise<void> {
    const { client, name, lockPollMs, backoff, logger } = this.settings;
    let failures = 0;
    while (!this.signal.aborted) {
      try {
        await withRelayLock(
          client,
          {
            name,
            signal: this.signal,
            pollMs: lockPollMs,
            onWaiting: () => {
              this.setState('standby');
            },
          },
          async (db, lockLost) => {
            this.activeSignal = AbortSignal.any([this.abort.signal, lockLost]);
            this.setState('starting');
            this.position = await db.checkpoint(this.settings.initialPosition);
            await this.untilBroker(() => this.publisher.connect());
            this.setState('running');
            failures = 0;
            await this.pump(db, lockLost);
          },
        );
      } catch (error) {
        if (this.signal.aborted) break;
        failures += 1;
        this.recordError(error);
        this.setState('failed');
        if (isUndecodableEventError(error)) {
          // Retrying cannot read it: halt at the checkpoint before it, nothing of that batch published.
          logger.error({ err: error, relay: name, stream: error.stream, revision: error.revision, eventId: error.eventId }, 'relay halted: a stored event cannot be decoded');
          await this.publisher.close();
          return;
        }
        const delayMs = backoffDelay(failures, backoff);
        logger.error({ err: error, relay: name, retryInMs: delayMs }, 'relay stopped by an error; restarting');
        await sleep(delayMs, this.signal);
      }
    }
    await this.publisher.close();
    this.setState('stopped');
  }

  /**
   * Runs the subscription until `stop()` (resolves after the batch in flight is published and
   * committed) or a batch fails (rejects). Pipelined: while batch N is published and committed,
   * the subscription reads batch N+1 and the relay maps it; N+1 is sent only once N is committed,
   * so there is one produce in flight and checkpoints commit in log order.
   */
  private pump(db: RelayDb, lockLost: AbortSignal): Promise<void> {
    const from = this.position;
    if (from === undefined) throw new Error('relay started without a checkpoint');
    this.inFlight = Promise.resolve();
    this.inFlightContexts = new Map();
    return new Promise<void>((resolve, reject) => {
      // Stop reading, let the batch in flight settle (so a restart never overlaps it), then fail.
      const fail = (error: unknown): void => {
        this.signal.removeEventListener('abort', onAbort);
        lockLost.removeEventListener('abort', onLockLost);
        const settled = subscription
          .stop()
          .then(() => this.inFlight)
          .catch(() => undefined);
        void settled.then(() => {
          reject(error instanceof Error ? error : new Error(String(error)));
        });
      };
      const subscription = this.settings.store.subscribe({
        from,
        filter: { streamPrefixes: [PAYMENT_INTENT_STREAM_PREFIX] },
        batchSizeMax: this.settings.batchSizeMax,
        onEvents: (events, checkpoint) => this.relayBatch(db, events, checkpoint, fail),
        onError: fail,
      });
      const onAbort = (): void => {
        lockLost.removeEventListener('abort', onLockLost);
        subscription
          .stop()
          .then(() => this.inFlight)
          .then(resolve, reject);
      };
      // The lock session died: stop reading and publishing at once (a standby may take over).
      const onLockLost = (): void => {
        fail(new Error(`relay ${this.settings.name} lost its lock session`));
      };
      if (this.signal.aborted) onAbort();
      else this.signal.addEventListener('abort', onAbort, { once: true });
      if (lockLost.aborted) onLockLost();
      else lockLost.addEventListener('abort', onLockLost, { once: true });
    });
  }

  /** Maps a batch, waits for the previous one to be committed, then publishes and commits it in the background. */
  private async relayBatch(db: RelayDb, events: readonly RecordedEvent[], checkpoint: LogPosition, fail: (error: unknown) => void): Promise<void> {
    const before = await this.contextsBefore(db, events);
    const sources = events.map(toSourceEvent).filter((source): source is SourceEvent => source !== undefined);
    const mapped = mapBatch(sources, before);
    await this.inFlight;
    const from = this.position;
    if (from === undefined) throw new Error('relay batch without a checkpoint');
    this.inFlightContexts = mapped.contexts;
    const batch = { from, checkpoint, events: events.length, outgoing: mapped.outgoing, contexts: changedContexts(before, mapped.contexts) };
    this.inFlight = this.publishAndCommit(db, batch);
    // A failure surfaces in the next batch, or here when no next batch comes (caught up).
    this.inFlight.catch(fail);
  }

  private async publishAndCommit(db: RelayDb, batch: InFlightBatch): Promise<void> {
    if (batch.outgoing.length > 0) await this.publish(batch.outgoing);
    await this.settings.hooks.afterPublish?.({ events: batch.events, messages: batch.outgoing.length, checkpoint: batch.checkpoint });
    await db.commit(batch.from, batch.checkpoint, batch.contexts, batch.outgoing.length);
    this.position = batch.checkpoint;
    this.meter.add(batch.events);
    this.messagesPublished += batch.outgoing.length;
    if (batch.outgoing.length > 0) this.lastPublishedAt = new Date().toISOString();
  }

  private async publish(messages: readonly OutgoingIntegrationEvent[]): Promise<void> {
    const send = startSendSpans(messages, this.settings.topic);
    try {
      await this.untilBroker(async () => {
        await this.publisher.connect();
        await this.publisher.publish(send.messages);
      });
      send.end();
    } catch (error) {
      send.end(error);
      throw error;
    }
  }

  /** Runs `action` until it succeeds, waiting with bounded backoff (state `waiting_for_broker`) between tries. */
  private async untilBroker(action: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await action();
        if (this.state === 'waiting_for_broker') this.setState('running');
        return;
      } catch (error) {
        const signal = this.activeSignal;
        if (signal.aborted) throw new RelayStoppedError('relay stopped (or lost its lock) while waiting for the broker');
        this.recordError(error);
        this.publishErrors += 1;
        this.setState('waiting_for_broker');
        const delayMs = backoffDelay(attempt, this.settings.backoff);
        this.settings.logger.warn({ err: error, relay: this.settings.name, attempt, retryInMs: delayMs }, 'Kafka unavailable; waiting');
        await this.publisher.reset();
        await sleep(delayMs, signal);
        if (signal.aborted) throw new RelayStoppedError('relay stopped (or lost its lock) while waiting for the broker');
      }
    }
  }

  /**
   * The context before this batch of each intent that needs one: the batch in flight's (not yet
   * committed), else the stored row, else the fold of the intent's earlier events.
   */
  private async contextsBefore(db: RelayDb, events: readonly RecordedEvent[]): Promise<Map<string, IntentContext>> {
    const needed = intentsNeedingContext(events);
    const pending = this.inFlightContexts;
    const contexts = await db.contexts([...needed.keys()].filter((id) => !pending.has(id)));
    for (const [paymentIntentId, revision] of needed) {
      const inFlight = pending.get(paymentIntentId);
      if (inFlight !== undefined) contexts.set(paymentIntentId, inFlight);
      if (contexts.has(paymentIntentId) || revision === 0) continue;
      const history = await this.settings.store.readStream(toPaymentIntentStreamName(paymentIntentId), { fromRevision: 0, maxCount: revision });
      const context = foldIntentContext(history);
      if (context !== undefined) contexts.set(paymentIntentId, context);
    }
    return contexts;
  }
}

/**
 * Starts the relay for the composition root. With no brokers (KAFKA_BROKERS unset) it does not
 * run: `status()` reports `disabled` with the backlog waiting in the log.
 *
 * @example
 * const relay = startRelay({ client, store, brokers: config.kafkaBrokers, logger });
 * await relay.status(); // { state: 'running', checkpoint: '812:4410', backlogEvents: 0, eventsPerSecond: 35, … }
 * await relay.stop();   // on shutdown, after the HTTP server stopped accepting
 */
export function startRelay(options: RelayOptions): RelayHandle {
  const settings = relaySettings(options);
  const { client, name, topic, logger } = settings;
  if (settings.brokers.length === 0) {
    logger.info({ relay: name }, 'relay disabled: no Kafka brokers configured (KAFKA_BROKERS); integration events wait in the log');
    return { status: () => relayStatus({ client, name, topic, state: 'disabled', countBacklog: settings.countBacklog }), stop: () => Promise.resolve() };
  }
  const publisher = createKafkaPublisher({
    brokers: settings.brokers,
    clientId: settings.clientId,
    topic,
    partitions: settings.topicPartitions,
    createTopic: settings.createTopic,
    requestBytesMax: settings.requestBytesMax,
    connectionTimeoutMs: settings.connectionTimeoutMs,
    requestTimeoutMs: settings.requestTimeoutMs,
    logger,
  });
  const relay = new Relay(settings, publisher);
  return { status: () => relay.status(), stop: () => relay.stop() };
}
