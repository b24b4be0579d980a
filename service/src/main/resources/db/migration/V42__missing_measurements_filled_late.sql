-- A period checked and found short of measurements (a blue missing_measurement alert) whose measurements
-- arrive later (a device that was out of reach sends its backlog, a nurse enters what the citizen
-- measured) is filled: the check keeps that it was missing then and says when it was filled, the chart no
-- longer shows it missed, and the alert, once every period it was raised for is filled, is resolved by
-- the system. Until V42 the alert stayed open saying "0 of 2" about measurements that were stored.
-- A check records its period's end and what it asked for, to be counted again; checks from before V42
-- have neither and are not filled.
ALTER TABLE missing_measurement_checks
    ADD COLUMN period_end timestamptz,
    ADD COLUMN required   smallint,
    ADD COLUMN filled_at  timestamptz;
-- The job looks at the unfilled missing periods of the last days every two minutes: a few rows of many.
CREATE INDEX missing_measurement_checks_unfilled_idx ON missing_measurement_checks (checked_at)
    WHERE missing AND filled_at IS NULL;
