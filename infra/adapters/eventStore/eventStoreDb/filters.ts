import { eventTypeFilter, excludeSystemEvents, streamNameFilter, type Filter } from '@eventstore/db-client';
import type { EventFilter } from '../../../../domain/eventStore/index.js';

/** How often (in matching-window units of 32 events) the server reports filtered progress. */
export const CHECKPOINT_INTERVAL = 1;

/**
 * The server-side filter of a `$all` subscription for the port's filter. EventStoreDB filters on
 * the stream name OR on the event type, not both: prefixes alone → a stream-name prefix filter;
 * types alone → an event-type regex of exact names; both or neither → system events excluded
 * (the rest is matched here, client-side, by matchesFilter, which always runs as well).
 */
export function serverFilter(filter: EventFilter | undefined): Filter {
  const types = filter?.eventTypes ?? [];
  const prefixes = (filter?.streamPrefixes ?? []).filter((prefix) => !prefix.startsWith('$'));
  if (prefixes.length > 0 && types.length === 0) return streamNameFilter({ prefixes, checkpointInterval: CHECKPOINT_INTERVAL });
  if (types.length > 0 && prefixes.length === 0) return eventTypeFilter({ regex: exactNamesRegex(types), checkpointInterval: CHECKPOINT_INTERVAL });
  return excludeSystemEvents({ checkpointInterval: CHECKPOINT_INTERVAL });
}

/** `^(?:A|B)$` with every regex metacharacter of the names escaped. */
export function exactNamesRegex(names: readonly string[]): string {
  return `^(?:${names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;
}
