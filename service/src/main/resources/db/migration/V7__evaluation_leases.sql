-- Evaluation claims become short leases instead of row locks held through the evaluation: a
-- worker marks the patients it takes (claimed_until) in a transaction of its own, evaluates them,
-- and removes a request only if no new reading bumped its version meanwhile. The gateway's upsert
-- no longer waits for an evaluation in progress (it did, batch after batch, for busy patients).
ALTER TABLE evaluation_requests
    ADD COLUMN version       bigint NOT NULL DEFAULT 0,
    ADD COLUMN claimed_until timestamptz;
