import { createHash } from 'node:crypto';

/** The UUIDv5 namespace of MPAC Ledger integration events (fixed forever: changing it changes every id). */
export const INTEGRATION_EVENT_NAMESPACE = 'f2e65504-ea4b-40d2-8f4a-373b3e3aa47a';
const namespaceBytes = Buffer.from(INTEGRATION_EVENT_NAMESPACE.replaceAll('-', ''), 'hex');

/**
 * The id of the integration event `type` made from the domain event `domainEventId`: a UUIDv5
 * (RFC 9562 §5.5) of `"<domain event id>/<type>"`. Deterministic, so a re-delivery after a crash
 * carries the same id and consumers can dedupe on it; distinct per type, so one domain event may
 * one day yield several integration events without an id clash.
 *
 * @example integrationEventId('7c9e6679-7425-40de-944b-e07fc1f90ae7', 'payment.completed.v1') // '…-5…-…'
 */
export function integrationEventId(domainEventId: string, type: string): string {
  const hash = createHash('sha1').update(namespaceBytes).update(`${domainEventId}/${type}`, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
