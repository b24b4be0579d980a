-- Questionnaire answers, item by item (docs/mqtt.md, "Questionnaires"): a CAT's eight scores
-- (its total is also a reading, cat_score) or a COPD symptom diary's answers with their severity.
-- Written with the reading that carries them, in its transaction, after its message id was
-- claimed in device_messages: so a resend is not stored twice. Staff entries have device 'staff'.
CREATE TABLE questionnaire_answers (
    device_id     text NOT NULL,
    message_id    text NOT NULL,
    seq           smallint NOT NULL,
    answered_at   timestamptz NOT NULL,
    patient_id    uuid NOT NULL REFERENCES patients (id),
    questionnaire text NOT NULL,
    version       text NOT NULL,
    item          text NOT NULL,
    answer        text NOT NULL,
    points        smallint NOT NULL,
    severity      text CHECK (severity IN ('green', 'yellow', 'red')),
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (device_id, message_id, answered_at, seq)
);
-- The evaluation's newest diary of a patient, and a patient's answers over time.
CREATE INDEX questionnaire_answers_patient_idx ON questionnaire_answers (patient_id, questionnaire, answered_at);

-- A red diary answer raises an alert of its own kind.
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check
    CHECK (kind IN ('tobs', 'threshold', 'weight_trend', 'missing_measurement', 'symptom'));
