-- Telemedical wound assessment (docs/wounds.md): wounds as records with their measurements, the
-- citizen's consent to share wound photos with a hospital, referrals of a wound to a hospital
-- wound clinic and the specialists' assessments.

ALTER TABLE staff_users DROP CONSTRAINT staff_users_role_check;
ALTER TABLE staff_users ADD CONSTRAINT staff_users_role_check
    CHECK (role IN ('nurse', 'clinician', 'fsc_support', 'fsc_admin', 'org_admin', 'wound_specialist'));

-- A citizen's wound. wound_key is the id devices send with a photo ("w-left-shin-1"): the gateway
-- makes the record when a photo names a wound the patient has no record of yet.
CREATE TABLE wounds (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    patient_id        uuid NOT NULL REFERENCES patients (id),
    wound_key         text NOT NULL,
    wound_type        text NOT NULL CHECK (wound_type IN ('venous_leg_ulcer', 'diabetic_foot_ulcer', 'pressure_ulcer', 'other')),
    body_site         text NOT NULL,
    side              text CHECK (side IN ('left', 'right', 'midline')),
    onset             date,
    status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'healing', 'healed')),
    -- Under telemedical follow-up: a new photo is due this many days after the last one (or after
    -- follow_up_since), or on the date a specialist's assessment set; null: not followed up.
    follow_up_days    integer CHECK (follow_up_days BETWEEN 1 AND 90),
    follow_up_since   timestamptz,
    -- The due moment the missing-photo reminder was last raised for (each due moment reminds once).
    photo_reminded_for timestamptz,
    created_by        text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (patient_id, wound_key)
);

-- Measurements a nurse takes by hand; those sent with a photo are on the photo (photos.length_cm ...).
CREATE TABLE wound_measurements (
    id          bigserial PRIMARY KEY,
    wound_id    uuid NOT NULL REFERENCES wounds (id),
    measured_at timestamptz NOT NULL,
    length_cm   double precision CHECK (length_cm BETWEEN 0 AND 100),
    width_cm    double precision CHECK (width_cm BETWEEN 0 AND 100),
    depth_cm    double precision CHECK (depth_cm BETWEEN 0 AND 50),
    area_cm2    double precision CHECK (area_cm2 BETWEEN 0 AND 10000),
    area_method text CHECK (area_method IN ('measured', 'calculated')),
    photo_id    uuid REFERENCES photos (id),
    note        text,
    entered_by  text NOT NULL,
    entered_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wound_measurements_wound_idx ON wound_measurements (wound_id, measured_at);

-- The citizen's consent to share wound photos and data with a hospital wound clinic. Withdrawn:
-- no new referral, and every open referral of the citizen is closed.
CREATE TABLE wound_consents (
    id           bigserial PRIMARY KEY,
    patient_id   uuid NOT NULL REFERENCES patients (id),
    scope        text NOT NULL DEFAULT 'wound_assessment' CHECK (scope IN ('wound_assessment')),
    given_at     timestamptz NOT NULL,
    how          text NOT NULL CHECK (how IN ('oral', 'written')),
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    withdrawn_at timestamptz,
    withdrawn_by text,
    note         text
);
-- At most one consent in force per citizen and scope.
CREATE UNIQUE INDEX wound_consents_in_force ON wound_consents (patient_id, scope) WHERE withdrawn_at IS NULL;

-- A wound referred to a hospital wound clinic. While open, the clinic's specialists see the wound
-- (its record, measurements and photos) and nothing else of the citizen.
CREATE TABLE wound_referrals (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    wound_id     uuid NOT NULL REFERENCES wounds (id),
    patient_id   uuid NOT NULL REFERENCES patients (id),
    referring_organisation_id text NOT NULL REFERENCES organisations (id),
    clinic_id    text NOT NULL REFERENCES organisations (id),
    question     text NOT NULL,
    referred_by  text NOT NULL,
    referred_at  timestamptz NOT NULL DEFAULT now(),
    -- The answer is due by the end of the next working day (the support desk's SLA calendar).
    answer_due   timestamptz NOT NULL,
    warned_at    timestamptz,
    breached_at  timestamptz,
    status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
    closed_at    timestamptz,
    closed_by    text,
    close_reason text
);
CREATE INDEX wound_referrals_clinic_idx ON wound_referrals (clinic_id, status);
CREATE INDEX wound_referrals_wound_idx ON wound_referrals (wound_id);
CREATE UNIQUE INDEX wound_referrals_one_open ON wound_referrals (wound_id) WHERE status <> 'closed';

CREATE TABLE wound_assessments (
    id              bigserial PRIMARY KEY,
    referral_id     uuid NOT NULL REFERENCES wound_referrals (id),
    specialist      text NOT NULL,
    assessed_at     timestamptz NOT NULL DEFAULT now(),
    assessment      text NOT NULL,
    classification  text,
    treatment_plan  text NOT NULL,
    next_photo_due  date
);
CREATE INDEX wound_assessments_referral_idx ON wound_assessments (referral_id, assessed_at);

-- The assessment reaches the referring nurses' feed; a missed 14-day photo reminds them.
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check
    CHECK (kind IN ('tobs', 'threshold', 'weight_trend', 'missing_measurement', 'symptom', 'wound_assessment', 'missing_photo'));
