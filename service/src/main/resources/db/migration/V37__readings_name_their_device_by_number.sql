-- A device's reading names its device by a 4-byte number instead of its text id (issue #18, bytes
-- per reading; decision 0013). Every device gets a number of its own (devices.device_number, given
-- by the database, never reused: devices are never deleted); a reading a device sent stores that
-- number in readings.device_number and NULL in readings.device_id. Staff entries keep the device
-- id 'staff' (they have no device), and rows written before keep their text id: a reading names its
-- device one way or the other, never both (the CHECK). Readers join devices for the id
-- (ReadingStore), so every answer still says the device's id.
--
-- Why: the id was the widest column a reading had left (1 + up to 64 bytes, 14 to 28 with the ids
-- seen so far) and is the same in every row of a device, 3 650 days of it. Measured in
-- docs/benchmarks.md ("A device by its number").
--
-- Region-safe: adding a column without a default and dropping NOT NULL change only the catalog (no
-- rewrite, no scan) on the table, its partitions and, with TimescaleDB, the hypertable's chunks; the
-- CHECK is NOT VALID, so it holds for every row written from now on without reading ten years of
-- rows written before (which all satisfy it: device_id was NOT NULL and device_number is new).
-- Only devices is rewritten, to number its rows (thousands, not millions). New monthly partitions
-- place the number among the fixed-width columns (V34).
ALTER TABLE devices ADD COLUMN device_number integer GENERATED ALWAYS AS IDENTITY;
ALTER TABLE devices ADD CONSTRAINT devices_device_number_key UNIQUE (device_number);

ALTER TABLE readings ADD COLUMN device_number integer;
ALTER TABLE readings ALTER COLUMN device_id DROP NOT NULL;
ALTER TABLE readings ADD CONSTRAINT readings_device_named_once CHECK ((device_id IS NULL) <> (device_number IS NULL)) NOT VALID;
