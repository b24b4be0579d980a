-- Early warning: monitoring settings, thresholds with history, response policies, escalation
-- chains, alerts with their event history (the feed), and missing-measurement bookkeeping.

-- What a patient is monitored for, and how often they are asked to measure.
CREATE TABLE patient_monitoring (
    patient_id          uuid PRIMARY KEY REFERENCES patients (id),
    programme           text NOT NULL DEFAULT 'copd' CHECK (programme IN ('copd')),
    spo2_target_88_92   boolean NOT NULL DEFAULT false,
    schedule            text NOT NULL DEFAULT 'copd_standard' CHECK (schedule IN ('copd_standard', 'weekly', 'none')),
    started_at          timestamptz NOT NULL DEFAULT now(),
    updated_by          text NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- No missing-measurement alerts while monitoring is paused (admission, holiday).
CREATE TABLE monitoring_pauses (
    id          bigserial PRIMARY KEY,
    patient_id  uuid NOT NULL REFERENCES patients (id),
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    reason      text NOT NULL,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);
CREATE INDEX monitoring_pauses_patient_idx ON monitoring_pauses (patient_id, starts_at);

-- Every change of a patient's limits for one type; the newest row per (patient, type) is in
-- force. A row with cleared = true returns the type to the programme default.
CREATE TABLE threshold_changes (
    id          bigserial PRIMARY KEY,
    patient_id  uuid NOT NULL REFERENCES patients (id),
    type        text NOT NULL,
    red_high    double precision,
    yellow_high double precision,
    yellow_low  double precision,
    red_low     double precision,
    cleared     boolean NOT NULL DEFAULT false,
    reason      text NOT NULL,
    changed_by  text NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX threshold_changes_patient_idx ON threshold_changes (patient_id, type, id);

-- An organisation's TOBS response policy; without a row the default policy applies.
CREATE TABLE response_policies (
    organisation_id     text PRIMARY KEY REFERENCES organisations (id),
    name                text NOT NULL,
    yellow_from_total   integer NOT NULL,
    red_from_total      integer NOT NULL,
    red_on_single_three boolean NOT NULL,
    updated_by          text NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Who a red alert escalates to when nobody acknowledges it: level 1 after delay_minutes, then
-- level 2, ... ; past the last level it repeats the last level's delay.
CREATE TABLE escalation_levels (
    organisation_id text NOT NULL REFERENCES organisations (id),
    level           integer NOT NULL CHECK (level >= 1),
    name            text NOT NULL,
    delay_minutes   integer NOT NULL CHECK (delay_minutes >= 1),
    PRIMARY KEY (organisation_id, level)
);

CREATE TABLE alerts (
    id               bigserial PRIMARY KEY,
    patient_id       uuid NOT NULL REFERENCES patients (id),
    organisation_id  text NOT NULL REFERENCES organisations (id),
    kind             text NOT NULL CHECK (kind IN ('tobs', 'threshold', 'weight_trend', 'missing_measurement')),
    severity         text NOT NULL CHECK (severity IN ('blue', 'yellow', 'red')),
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
    summary          text NOT NULL,
    details          jsonb NOT NULL DEFAULT '{}',
    policy           text,
    assignee         text,
    opened_at        timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    acknowledged_at  timestamptz,
    acknowledged_by  text,
    resolved_at      timestamptz,
    resolved_by      text,
    outcome          text,
    escalation_level integer NOT NULL DEFAULT 0,
    escalate_at      timestamptz
);
-- One unresolved alert per patient and kind, enforced here so two workers cannot both open one.
CREATE UNIQUE INDEX alerts_one_unresolved ON alerts (patient_id, kind) WHERE status <> 'resolved';
CREATE INDEX alerts_worklist_idx ON alerts (organisation_id, status);
CREATE INDEX alerts_escalation_idx ON alerts (escalate_at) WHERE status = 'open' AND escalate_at IS NOT NULL;

-- Every change of every alert, in commit-independent id order: the feed and the audit trail.
CREATE TABLE alert_events (
    id              bigserial PRIMARY KEY,
    alert_id        bigint NOT NULL REFERENCES alerts (id),
    organisation_id text NOT NULL,
    at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    type            text NOT NULL CHECK (type IN ('opened', 'worsened', 'updated', 'acknowledged', 'resolved',
                                                  'assigned', 'commented', 'escalated')),
    actor           text NOT NULL,
    severity        text NOT NULL,
    note            text
);
CREATE INDEX alert_events_org_idx ON alert_events (organisation_id, id);

-- Schedule periods already checked for missing measurements, so each is alerted at most once.
CREATE TABLE missing_measurement_checks (
    patient_id   uuid NOT NULL REFERENCES patients (id),
    period_start timestamptz NOT NULL,
    checked_at   timestamptz NOT NULL DEFAULT now(),
    missing      boolean NOT NULL,
    PRIMARY KEY (patient_id, period_start)
);

-- The gateway wakes the evaluation workers after each batch.
CREATE FUNCTION notify_evaluation_request() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fsc_evaluate', '');
    RETURN NULL;
END $$;
CREATE TRIGGER evaluation_requests_notify AFTER INSERT OR UPDATE ON evaluation_requests
    FOR EACH STATEMENT EXECUTE FUNCTION notify_evaluation_request();

-- The alert feed wakes its streams after each change.
CREATE FUNCTION notify_alert_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fsc_alert_events', '');
    RETURN NULL;
END $$;
CREATE TRIGGER alert_events_notify AFTER INSERT ON alert_events
    FOR EACH STATEMENT EXECUTE FUNCTION notify_alert_event();

-- A patient whose evaluation fails is retried later with a growing pause, not in a hot loop.
-- requested_at is when the patient started waiting (the queue order, never moved back by newer
-- readings, so a patient measuring every second is not starved); updated_at the newest request.
ALTER TABLE evaluation_requests
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN not_before timestamptz NOT NULL DEFAULT '-infinity',
    ADD COLUMN attempts   integer NOT NULL DEFAULT 0,
    ADD COLUMN last_error text;

-- Observations entered by staff (a nurse's home visit) name who entered them.
ALTER TABLE readings ADD COLUMN entered_by text;
