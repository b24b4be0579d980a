-- Failed logins in a row per account (security review, finding 8). Kept in the database, not in
-- memory, so every instance of the service sees the same count and the same lock. A row is
-- deleted at a successful login; rows of names that stopped failing are deleted a day later.
-- The username is stored as typed (also names with no account, so a lock does not tell whether
-- an account exists).
CREATE TABLE login_failures (
    username        text PRIMARY KEY,
    failures        integer NOT NULL,
    locked_until    timestamptz,
    last_failure_at timestamptz NOT NULL,
    last_address    text
);
CREATE INDEX login_failures_last_failure_idx ON login_failures (last_failure_at);
