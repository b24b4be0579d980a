-- Foundation schema: organisations, staff, patients, devices, loans, readings, quarantine, audit.
-- The service owns this schema; the device gateway writes readings, device_messages,
-- evaluation_requests and quarantine rows (the database is the contract between the two).

CREATE TABLE organisations (
    id                text PRIMARY KEY CHECK (id ~ '^[a-z0-9-]{2,40}$'),
    name              text NOT NULL,
    kind              text NOT NULL CHECK (kind IN ('municipality', 'region', 'hospital', 'gp', 'fsc')),
    municipality_code text,
    created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff_users (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    username        text NOT NULL UNIQUE,
    password_hash   text NOT NULL,
    display_name    text NOT NULL,
    role            text NOT NULL CHECK (role IN ('nurse', 'clinician', 'fsc_support', 'fsc_admin', 'org_admin')),
    organisation_id text NOT NULL REFERENCES organisations (id),
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- The id is pseudonymous and is what URLs carry; the CPR number is only stored encrypted
-- (AES-GCM, key outside the database) plus a keyed hash (HMAC-SHA256) for look-up.
CREATE TABLE patients (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id text NOT NULL REFERENCES organisations (id),
    display_name    text NOT NULL,
    cpr_encrypted   bytea NOT NULL,
    cpr_hash        bytea NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX patients_organisation_idx ON patients (organisation_id);

CREATE TABLE devices (
    id                 text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{3,64}$'),
    device_type        text NOT NULL,
    model              text,
    serial_number      text,
    state              text NOT NULL DEFAULT 'ready'
        CHECK (state IN ('ready', 'reserved', 'shipped', 'on_loan', 'return_requested', 'returned',
                         'cleaning', 'in_repair', 'lost', 'retired')),
    mqtt_username      text NOT NULL UNIQUE,
    mqtt_password_hash text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now()
);

-- A loan is [starts_at, ends_at); ends_at NULL means open-ended.
CREATE TABLE loans (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    device_id       text NOT NULL REFERENCES devices (id),
    patient_id      uuid NOT NULL REFERENCES patients (id),
    organisation_id text NOT NULL REFERENCES organisations (id),
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE UNIQUE INDEX loans_one_open_per_device ON loans (device_id) WHERE ends_at IS NULL;
CREATE INDEX loans_device_period_idx ON loans (device_id, starts_at);

-- One row per MQTT message accepted: the idempotency key (device, message id). A partitioned
-- table's unique keys must contain the partition column, so readings alone cannot enforce it.
CREATE TABLE device_messages (
    device_id         text NOT NULL,
    message_id        text NOT NULL,
    measured_at       timestamptz NOT NULL,
    patient_id        uuid NOT NULL,
    observation_count smallint NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (device_id, message_id)
);

-- One row per observation, range-partitioned by measurement time (monthly partitions,
-- created ahead by ensure_reading_partitions; the default partition is a safety net).
CREATE TABLE readings (
    device_id    text NOT NULL,
    message_id   text NOT NULL,
    seq          smallint NOT NULL,
    measured_at  timestamptz NOT NULL,
    patient_id   uuid NOT NULL,
    type         text NOT NULL,
    value        double precision NOT NULL,
    unit         text NOT NULL,
    code_system  text,
    code         text,
    site         text,
    origin       text NOT NULL DEFAULT 'device' CHECK (origin IN ('device', 'staff')),
    source_device jsonb,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (device_id, message_id, seq, measured_at)
) PARTITION BY RANGE (measured_at);
CREATE INDEX readings_patient_type_time_idx ON readings (patient_id, type, measured_at);
CREATE TABLE readings_default PARTITION OF readings DEFAULT;

CREATE FUNCTION ensure_reading_partitions(from_month date, months integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    created integer := 0;
    m date := date_trunc('month', from_month)::date;
    name text;
BEGIN
    FOR i IN 0 .. months - 1 LOOP
        name := format('readings_%s', to_char(m, 'YYYY_MM'));
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF readings FOR VALUES FROM (%L) TO (%L)',
                           name, m::timestamp AT TIME ZONE 'UTC', (m + interval '1 month')::timestamp AT TIME ZONE 'UTC');
            created := created + 1;
        END IF;
        m := (m + interval '1 month')::date;
    END LOOP;
    RETURN created;
END $$;

SELECT ensure_reading_partitions((now() - interval '13 months')::date, 17);

-- Per-patient "to evaluate" queue: written by the gateway in the reading's transaction,
-- claimed by the service's early-warning workers (FOR UPDATE SKIP LOCKED).
CREATE TABLE evaluation_requests (
    patient_id   uuid PRIMARY KEY,
    requested_at timestamptz NOT NULL DEFAULT now()
);

-- Rejected MQTT messages, kept byte for byte so an operator can fix the cause and replay.
CREATE TABLE quarantine (
    id          bigserial PRIMARY KEY,
    received_at timestamptz NOT NULL DEFAULT now(),
    topic       text NOT NULL,
    device_id   text,
    message_id  text,
    code        text NOT NULL,
    detail      text NOT NULL,
    payload     bytea NOT NULL,
    replayed_at timestamptz
);
CREATE INDEX quarantine_received_idx ON quarantine (received_at);

-- Who read or changed a citizen's data. Append-only: the trigger refuses UPDATE and DELETE.
CREATE TABLE access_log (
    id              bigserial PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    username        text NOT NULL,
    organisation_id text NOT NULL,
    role            text NOT NULL,
    patient_id      uuid NOT NULL,
    action          text NOT NULL,
    purpose         text NOT NULL,
    detail          text
);
CREATE INDEX access_log_patient_idx ON access_log (patient_id, at);

CREATE FUNCTION access_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'access_log is append-only';
END $$;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_is_append_only();
