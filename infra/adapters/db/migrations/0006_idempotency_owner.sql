-- Issue 9 item 5: an in-progress idempotency claim belongs to its owner's PostgreSQL session.
-- Each ledger process holds a session advisory lock on hashtextextended('idempotency-owner:' || owner, 0)
-- (infra/idempotency/idempotencyOwner.ts) and writes its owner id on the claims it makes. When the
-- process dies its session ends, the server releases the lock, and another request takes the key
-- over at once instead of waiting for `locked_until` (kept as a backstop for a hung owner and for
-- rows written before this migration, whose owner is NULL).
ALTER TABLE idempotency_keys ADD COLUMN owner text;

-- True while some session of this database holds the owner's lock (pg_locks is readable by every role).
CREATE FUNCTION ledger_idempotency_owner_alive(owner text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    SELECT 1 FROM pg_locks l
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('idempotency-owner:' || owner, 0))
$$;
