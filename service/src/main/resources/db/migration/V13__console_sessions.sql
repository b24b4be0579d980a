-- Signed-in browser sessions of the console. The cookie carries a random id; only its SHA-256
-- is kept here, so a copy of this table cannot be used to sign in. In the database (not in
-- memory) so that every instance of the service knows every session and a restart signs no one out.
CREATE TABLE console_sessions (
    id_hash         bytea PRIMARY KEY,
    username        text        NOT NULL,
    role            text        NOT NULL,
    organisation_id text        NOT NULL DEFAULT '',
    csrf_token      text        NOT NULL,
    signed_in_by    text        NOT NULL CHECK (signed_in_by IN ('password', 'oidc')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX console_sessions_last_seen ON console_sessions (last_seen_at);
COMMENT ON TABLE console_sessions IS 'Console sign-ins; a row idle longer than FSC_CONSOLE_IDLE is signed out and deleted';
