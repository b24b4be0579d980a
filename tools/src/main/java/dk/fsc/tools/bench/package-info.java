/**
 * The benchmark (bin/benchmark, docs/benchmarks.md): starts the service's jar and its own broker
 * against a PostgreSQL and measures ingest, drain, alert latency, history queries and storage.
 * Not part of the product.
 */
package dk.fsc.tools.bench;
