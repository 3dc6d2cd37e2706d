-- Each claim of an Idempotency-Key carries a token of the request that made it, so a claim whose
-- outcome was lost with the connection (the INSERT committed, the reply never came) can be freed
-- by its maker, and only by it, once the database answers again (docs/faults.md).
ALTER TABLE idempotency_keys ADD COLUMN claim_token uuid;
