/**
 * Retention: how long each kind of data is kept ({@link dk.fsc.service.retention.RetentionPolicy}),
 * what would go now (the dry run, {@code GET /api/retention}) and the daily job that removes it:
 * whole monthly partitions of the big tables (readings, device_messages, access_log), batches of
 * rows of the small ones (alerts, photos with their files, quarantine). docs/operations.md.
 */
package dk.fsc.service.retention;
