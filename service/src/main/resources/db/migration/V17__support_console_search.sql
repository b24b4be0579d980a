-- FSC support's console over 50 000 devices and 10 000 open tickets (issue #17, docs/benchmarks.md).

-- The device list's text search (DeviceReader: lower(id|serial_number|asset_tag) LIKE '%text%'):
-- trigram indexes let a search of three or more characters read the matching devices only (a
-- bitmap OR of the three) instead of lower-casing every device's three codes. pg_trgm is a
-- trusted extension: the service's database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX devices_id_trgm ON devices USING gin (lower(id) gin_trgm_ops);
CREATE INDEX devices_serial_number_trgm ON devices USING gin (lower(serial_number) gin_trgm_ops);
CREATE INDEX devices_asset_tag_trgm ON devices USING gin (lower(asset_tag) gin_trgm_ops);

-- The ticket board's columns: the most urgent open tickets of one state, in the board's order.
CREATE INDEX tickets_board_idx ON tickets (state, priority DESC, created_at, id) WHERE state NOT IN ('solved', 'closed');

-- The device list's filters: type and state, state alone, a low battery (its limit is a setting).
CREATE INDEX devices_type_state_idx ON devices (device_type, state);
CREATE INDEX devices_state_idx ON devices (state);
CREATE INDEX device_status_battery_idx ON device_status (battery_percent);
