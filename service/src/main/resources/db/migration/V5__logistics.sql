-- Device logistics: catalogue, inventory data, the state machine's history, loans with
-- reservations, hand-over and return, and the shipping details of patients.

-- Device types and which sector lends them (the shared clarification catalogue: the region
-- lends treatment devices, the municipality lends aids).
CREATE TABLE device_types (
    code                      text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]{2,40}$'),
    name                      text NOT NULL,
    measurement_types         text[] NOT NULL DEFAULT '{}',
    lending_sector            text NOT NULL CHECK (lending_sector IN ('region', 'municipality')),
    cleaning_interval_days    int CHECK (cleaning_interval_days > 0),
    calibration_interval_days int CHECK (calibration_interval_days > 0)
);
INSERT INTO device_types (code, name, measurement_types, lending_sector, cleaning_interval_days, calibration_interval_days) VALUES
    ('pulse_oximeter', 'Pulse oximeter', '{spo2,pulse}', 'region', 30, 730),
    ('spirometer', 'Spirometer', '{fev1}', 'region', 30, 365),
    ('blood_pressure', 'Blood pressure monitor', '{systolic_bp,diastolic_bp,pulse}', 'municipality', 90, 730),
    ('scale', 'Weight scale', '{weight}', 'municipality', 180, 730),
    ('thermometer', 'Thermometer', '{temperature}', 'municipality', 30, 730),
    ('tablet', 'Questionnaire tablet', '{cat_score,consciousness,respiration_rate}', 'municipality', 90, NULL),
    ('camera', 'Wound camera', '{}', 'municipality', 30, NULL);

CREATE TABLE device_models (
    id           text PRIMARY KEY CHECK (id ~ '^[a-z0-9_-]{2,60}$'),
    device_type  text NOT NULL REFERENCES device_types (code),
    manufacturer text NOT NULL,
    name         text NOT NULL
);

ALTER TABLE devices
    ADD COLUMN model_id            text REFERENCES device_models (id),
    ADD COLUMN asset_tag           text UNIQUE,
    ADD COLUMN purchased_on        date,
    ADD COLUMN next_calibration_on date,
    ADD COLUMN next_cleaning_on    date,
    ADD COLUMN state_changed_at    timestamptz NOT NULL DEFAULT now();

-- Every change of a device's state: who, when, why. from_state is NULL for the registration.
CREATE TABLE device_transitions (
    id              bigserial PRIMARY KEY,
    device_id       text NOT NULL REFERENCES devices (id),
    from_state      text,
    to_state        text NOT NULL,
    at              timestamptz NOT NULL DEFAULT now(),
    username        text NOT NULL,
    organisation_id text NOT NULL,
    reason          text NOT NULL,
    loan_id         uuid REFERENCES loans (id)
);
CREATE INDEX device_transitions_device_idx ON device_transitions (device_id, at);

-- A loan: reserved (starts later), active (the device is shipped or with the citizen), ended or
-- cancelled. organisation_id ordered and pays. ends_at ends attribution of readings.
ALTER TABLE loans
    ADD COLUMN status               text NOT NULL DEFAULT 'active' CHECK (status IN ('reserved', 'active', 'ended', 'cancelled')),
    ADD COLUMN due_on               date,
    ADD COLUMN shipping_address     text,
    ADD COLUMN pickup_address       text,
    ADD COLUMN handover_accepted_at timestamptz,
    ADD COLUMN handover_accepted_by text,
    ADD COLUMN return_requested_at  timestamptz,
    ADD COLUMN end_reason           text,
    ADD COLUMN created_by           text;
CREATE INDEX loans_status_idx ON loans (status, due_on);

-- What logistics needs to ship to and collect from a citizen (never their readings).
ALTER TABLE patients
    ADD COLUMN address text,
    ADD COLUMN phone   text;

-- A cancelled reservation keeps its row with an empty range [starts_at, starts_at): it
-- attributes no reading.
ALTER TABLE loans DROP CONSTRAINT loans_check;
ALTER TABLE loans ADD CONSTRAINT loans_range_check CHECK (ends_at IS NULL OR ends_at >= starts_at);
