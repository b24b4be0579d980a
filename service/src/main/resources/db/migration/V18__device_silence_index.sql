-- The device list's "silent" filter over 50 000 devices (issue #17, docs/benchmarks.md): which
-- devices have not been heard from for at least the shortest allowed silence (30 hours)?
--
-- An index on last_seen_at itself would cost every gateway rewrite of it (at most every 10 s per
-- device) a new index entry, and those rewrites could no longer be HOT updates. The hour it was
-- last heard in changes at most once an hour per device, so an index on that costs little, and
-- it is enough to narrow the search: a device silent for 30 hours was last heard in an hour that
-- began more than 30 hours ago. DeviceHealth.SILENT_SQL then decides on last_seen_at itself.
-- (timezone('UTC', timestamptz) and date_trunc on a timestamp are immutable, as a generated
-- column requires; the value is an hour in UTC.)
ALTER TABLE device_status
    ADD COLUMN seen_hour timestamp GENERATED ALWAYS AS (date_trunc('hour', last_seen_at AT TIME ZONE 'UTC')) STORED;
CREATE INDEX device_status_seen_hour_idx ON device_status (seen_hour);
