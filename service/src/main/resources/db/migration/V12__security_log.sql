-- Refused attempts to reach a patient record the caller may not see (another organisation's
-- patient, or an id that is no patient), so an administrator can see probing. Not the citizen's
-- access log: nothing of the citizen was shown. Append-only, like the access log.
CREATE TABLE security_log (
    id                      bigserial PRIMARY KEY,
    at                      timestamptz NOT NULL DEFAULT now(),
    username                text NOT NULL,
    organisation_id         text NOT NULL,
    role                    text NOT NULL,
    patient_id              uuid NOT NULL,
    patient_organisation_id text,
    method                  text NOT NULL,
    route                   text NOT NULL
);
COMMENT ON COLUMN security_log.organisation_id IS 'The caller''s organisation';
COMMENT ON COLUMN security_log.patient_organisation_id IS 'The organisation that has the patient asked for; null when the id is no patient';
CREATE INDEX security_log_caller_idx ON security_log (organisation_id, at DESC);
CREATE INDEX security_log_patient_org_idx ON security_log (patient_organisation_id, at DESC);

CREATE FUNCTION security_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'security_log is append-only';
END $$;
CREATE TRIGGER security_log_append_only BEFORE UPDATE OR DELETE ON security_log
    FOR EACH STATEMENT EXECUTE FUNCTION security_log_is_append_only();
