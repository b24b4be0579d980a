-- requested_at stays the queue order, but with leases (V7) a request whose patient got a newer
-- reading during the evaluation is kept and moved to the back (requested_at = the evaluation's
-- start): a patient measuring all the time is served once per round, not ahead of everyone.
COMMENT ON COLUMN evaluation_requests.requested_at IS
    'Queue order: when the patient started waiting, or when its last evaluation started if a newer reading arrived during it';
