-- Every change of a patient's monitoring settings (SpO2 target, schedule), so a clinician can see
-- who changed what when and why; patient_monitoring keeps only what is in force. The API's
-- PUT /monitoring takes no reason (null); the console asks for one.
CREATE TABLE monitoring_changes (
    id                  bigserial PRIMARY KEY,
    patient_id          uuid NOT NULL REFERENCES patients (id),
    spo2_target_88_92   boolean NOT NULL,
    schedule            text NOT NULL,
    started_at          timestamptz NOT NULL,
    reason              text,
    changed_by          text NOT NULL,
    changed_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX monitoring_changes_patient_idx ON monitoring_changes (patient_id, id);
