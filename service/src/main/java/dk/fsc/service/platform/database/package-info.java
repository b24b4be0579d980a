/**
 * The one way to PostgreSQL: Database (the transaction's connection or a pooled one of its own),
 * Sql (short JDBC), PgNotifications (LISTEN/NOTIFY). No HTTP.
 */
package dk.fsc.service.platform.database;
