-- The evaluation workers are told when an urgent request is waiting (a value at a red limit,
-- urgent_version): besides 'fsc_evaluate', which wakes idle workers, 'fsc_evaluate_urgent' makes a
-- worker in the middle of a claim of patients that are not urgent commit what it has evaluated and
-- give the rest back, so the urgent patient is claimed next (EvaluationRound; issue #19, the
-- alert's "waiting" part). Asked after each statement that adds or renews requests: the head of
-- the claim's own order (evaluation_requests_queue_idx, V31), one index probe.
CREATE OR REPLACE FUNCTION notify_evaluation_request() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fsc_evaluate', '');
    IF (SELECT urgent_version IS NOT NULL FROM evaluation_requests
         WHERE not_before <= now() AND (claimed_until IS NULL OR claimed_until < now())
         ORDER BY urgent_version IS NULL, requested_at LIMIT 1) THEN
        PERFORM pg_notify('fsc_evaluate_urgent', '');
    END IF;
    RETURN NULL;
END $$;
