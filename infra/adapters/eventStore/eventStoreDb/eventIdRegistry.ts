import { EventIdConflictError } from '../../../../domain/eventStore/index.js';
import type { SqlClient } from '../../db/sqlClient.js';

export type Reservation = Readonly<{
  /** Some ids were reserved for this stream before this call: the append may be a retry. */
  previouslyReserved: boolean;
}>;

/**
 * Event ids are unique across streams (the port's contract); EventStoreDB checks ids only within
 * a stream. Each id is reserved for its stream in PostgreSQL (`eventstoredb_event_ids`) before
 * it is appended, and the reservation is permanent, so an id can never land in two streams.
 */
export class EventIdRegistry {
  constructor(private readonly sql: SqlClient) {}

  /** Reserves `ids` for `stream`; throws EventIdConflictError when one belongs to another stream. */
  async reserve(stream: string, ids: readonly string[]): Promise<Reservation> {
    const inserted = await this.sql.query<{ event_id: string }>(
      `INSERT INTO eventstoredb_event_ids (event_id, stream_name) SELECT id, $2 FROM unnest($1::uuid[]) AS id
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id::text AS event_id`,
      [ids, stream],
    );
    if (inserted.length === ids.length) return { previouslyReserved: false };
    const fresh = new Set(inserted.map((row) => row.event_id));
    const others = ids.filter((id) => !fresh.has(id));
    // A new statement, a new snapshot: sees reservations committed by concurrent callers.
    const owners = await this.sql.query<{ event_id: string; stream_name: string }>(
      'SELECT event_id::text AS event_id, stream_name FROM eventstoredb_event_ids WHERE event_id = ANY ($1::uuid[])',
      [others],
    );
    if (owners.some((row) => row.stream_name !== stream)) throw new EventIdConflictError(stream, ids);
    return { previouslyReserved: true };
  }
}
