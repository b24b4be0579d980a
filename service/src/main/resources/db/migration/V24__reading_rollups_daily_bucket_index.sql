-- Retention deletes old daily rollups in batches by day (docs/operations.md, Retention): an index
-- on the day lets each batch find them without reading the whole table. A row's day never changes
-- in the trigger's updates, so they stay HOT.
CREATE INDEX reading_rollups_daily_bucket_idx ON reading_rollups_daily (bucket);
