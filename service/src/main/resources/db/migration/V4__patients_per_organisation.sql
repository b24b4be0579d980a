-- A citizen can be monitored by more than one organisation at once (a hospital and the
-- municipality, in shared care); each organisation has its own patient record. The CPR look-up
-- hash is unique per organisation, so registering a citizen never reveals that another
-- organisation already knows them. The citizen's own access-log export joins all their records.
ALTER TABLE patients DROP CONSTRAINT patients_cpr_hash_key;
CREATE UNIQUE INDEX patients_cpr_once_per_organisation ON patients (organisation_id, cpr_hash);
CREATE INDEX patients_cpr_hash_idx ON patients (cpr_hash);

-- Reading a citizen's access log by time, newest first, and the citizen export across records.
CREATE INDEX access_log_patient_desc_idx ON access_log (patient_id, at DESC, id DESC);
DROP INDEX access_log_patient_idx;
