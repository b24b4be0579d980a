/**
 * What /health/readiness and /health/liveness answer for load balancers and Kubernetes: ready when
 * the database, its migrations and (with a gateway) the broker are; live as long as the process
 * serves, cheaply (docs/operations.md, "Health").
 */
package dk.fsc.service.platform.health;
