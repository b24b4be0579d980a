-- The access log partitioned by month of `at` (issue #18, retention): one line per citizen shown
-- to anyone, so the largest table after the readings; its retention (docs/operations.md) drops
-- whole months, never deletes rows, and the log stays append-only for everything else.
ALTER TABLE access_log RENAME TO access_log_unpartitioned;
ALTER INDEX access_log_pkey RENAME TO access_log_unpartitioned_pkey;
ALTER INDEX access_log_patient_desc_idx RENAME TO access_log_unpartitioned_patient_desc_idx;
ALTER SEQUENCE access_log_id_seq OWNED BY NONE;
DROP TRIGGER access_log_append_only ON access_log_unpartitioned;

CREATE TABLE access_log (
    id              bigint NOT NULL DEFAULT nextval('access_log_id_seq'),
    at              timestamptz NOT NULL DEFAULT now(),
    username        text NOT NULL,
    organisation_id text NOT NULL,
    role            text NOT NULL,
    patient_id      uuid NOT NULL,
    action          text NOT NULL,
    purpose         text NOT NULL,
    detail          text,
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
ALTER SEQUENCE access_log_id_seq OWNED BY access_log.id;
CREATE INDEX access_log_patient_desc_idx ON access_log (patient_id, at DESC, id DESC);
CREATE TABLE access_log_default PARTITION OF access_log DEFAULT;

-- Append-only, now per row so that it holds on every partition too (a statement trigger on the
-- partitioned table does not fire for a statement on one partition). Dropping a partition is not
-- an UPDATE or DELETE; moving rows out of the default partition into a new month's partition
-- (make_monthly_partition, V21) is let through by the setting it makes for that statement alone.
CREATE OR REPLACE FUNCTION access_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('fsc.moving_partition_rows', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'access_log is append-only';
END $$;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_is_append_only();

DO $$
DECLARE
    m date;
BEGIN
    FOR m IN SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC')::date FROM access_log_unpartitioned
             UNION SELECT generate_series(date_trunc('month', now() - interval '3 months'),
                                          date_trunc('month', now() + interval '3 months'), interval '1 month')::date
    LOOP
        PERFORM make_monthly_partition('access_log', m);
    END LOOP;
END $$;

INSERT INTO access_log (id, at, username, organisation_id, role, patient_id, action, purpose, detail)
SELECT id, at, username, organisation_id, role, patient_id, action, purpose, detail FROM access_log_unpartitioned;
DROP TABLE access_log_unpartitioned;
