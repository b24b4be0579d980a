/**
 * The data lifecycle of the tables that grow with time. {@link dk.fsc.service.lifecycle.PartitionMaintenance}
 * makes the monthly partitions of readings, their hourly rollups, the idempotency keys and the
 * access log ahead ({@link dk.fsc.service.lifecycle.MonthlyPartitions}); {@link dk.fsc.service.lifecycle.Retention}
 * removes what is older than the {@link dk.fsc.service.lifecycle.RetentionPolicy} keeps: whole
 * partitions of those tables, batches of rows of the small ones (alerts, photos with their files,
 * quarantine). {@code GET /api/retention} is the dry run. docs/operations.md.
 */
package dk.fsc.service.lifecycle;
