-- The evaluation workers are woken by a notification after a change to evaluation_requests. The
-- trigger fired after every UPDATE statement, the workers' own claims included (an UPDATE of
-- claimed_until, even when it claims nothing): each claim woke all workers, which claimed again,
-- a loop of hundreds of empty claims a second on an idle system. Now only a new request, a
-- renewed one (the gateway's upsert raises the version) or one sent to the back of the queue
-- (requested_at) wakes them; claims, releases and failures do not.
DROP TRIGGER evaluation_requests_notify ON evaluation_requests;
CREATE TRIGGER evaluation_requests_notify AFTER INSERT OR UPDATE OF version, requested_at ON evaluation_requests
    FOR EACH STATEMENT EXECUTE FUNCTION notify_evaluation_request();
