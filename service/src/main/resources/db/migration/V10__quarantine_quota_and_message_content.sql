-- Issue 22 (findings 4 and 5): a device can no longer fill the database through the quarantine,
-- and a message id reused with other values is told from a resend.

-- The SHA-256 of what a reading says (time and observations in stored units, see the gateway's
-- Reading.content()): a resend with the same id and content is a duplicate, other content is
-- MESSAGE_ID_REUSED. NULL for rows stored before: compared by time and observation count.
ALTER TABLE device_messages ADD COLUMN content_sha256 text;

-- Oversize and rate-limited payloads are kept as their first 64 KiB: payload_size and
-- payload_sha256 describe the whole message; payload_truncated rows cannot be replayed.
ALTER TABLE quarantine
    ADD COLUMN payload_size      integer,
    ADD COLUMN payload_sha256    text,
    ADD COLUMN payload_truncated boolean NOT NULL DEFAULT false;

-- Each device's use of the quarantine in the current window, kept by the gateway (rows and bytes
-- up to its quota; messages dropped over it). An episode is a stretch of drops with less than a
-- window between them: exceeded_since is its first drop. The service shows the device as
-- quarantine_quota in device health while its current window is used up, and opens one support
-- ticket per episode.
CREATE TABLE quarantine_quota (
    device_id        text PRIMARY KEY,  -- the device, or the topic of a message that names none
    window_start     timestamptz NOT NULL,
    window_end       timestamptz NOT NULL,
    rows_used        integer NOT NULL DEFAULT 0,
    bytes_used       bigint NOT NULL DEFAULT 0,
    dropped          integer NOT NULL DEFAULT 0,
    exceeded_since   timestamptz,
    last_exceeded_at timestamptz
);
