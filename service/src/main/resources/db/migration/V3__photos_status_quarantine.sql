-- Gateway contract, part two: wound photos, device status, quarantine replay.

-- Wound photos. The files (metadata removed) and their thumbnails are in the blob store under
-- their SHA-256; this row is what the service needs to find and show them.
CREATE TABLE photos (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    device_id          text NOT NULL,
    message_id         text NOT NULL,
    patient_id         uuid NOT NULL REFERENCES patients (id),
    taken_at           timestamptz NOT NULL,
    wound_id           text NOT NULL,
    wound_type         text NOT NULL CHECK (wound_type IN ('venous_leg_ulcer', 'diabetic_foot_ulcer', 'pressure_ulcer', 'other')),
    body_site          text NOT NULL,
    length_cm          double precision,
    width_cm           double precision,
    depth_cm           double precision,
    area_cm2           double precision,
    note               text,
    content_type       text NOT NULL,
    sha256             text NOT NULL,
    size_bytes         integer NOT NULL,
    width_px           integer,
    height_px          integer,
    thumbnail_sha256   text,
    removed_metadata   text[] NOT NULL DEFAULT '{}',
    received_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (device_id, message_id)
);
CREATE INDEX photos_patient_idx ON photos (patient_id, taken_at);

-- Every status report a device sent (idempotent on the message id) ...
CREATE TABLE device_status_reports (
    device_id       text NOT NULL REFERENCES devices (id),
    message_id      text NOT NULL,
    reported_at     timestamptz NOT NULL,
    battery_percent smallint,
    firmware        text,
    signal_dbm      smallint,
    faults          text[] NOT NULL DEFAULT '{}',
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (device_id, message_id)
);
CREATE INDEX device_status_reports_time_idx ON device_status_reports (device_id, reported_at);

-- ... and each device's latest state: when it was last heard from (any message), and its newest
-- status report.
CREATE TABLE device_status (
    device_id       text PRIMARY KEY REFERENCES devices (id),
    last_seen_at    timestamptz NOT NULL,
    reported_at     timestamptz,
    battery_percent smallint,
    firmware        text,
    signal_dbm      smallint,
    faults          text[] NOT NULL DEFAULT '{}'
);

-- Replay bookkeeping: an operator fixes the cause (registers the loan, corrects the device) and
-- replays; the row stays, with how often and with what result it was replayed.
ALTER TABLE quarantine
    ADD COLUMN replay_count       integer NOT NULL DEFAULT 0,
    ADD COLUMN last_replay_at     timestamptz,
    ADD COLUMN last_replay_by     text,
    ADD COLUMN last_replay_result text;
CREATE INDEX quarantine_open_idx ON quarantine (code, device_id) WHERE replayed_at IS NULL;
