/**
 * Early warning: evaluation queue and workers, alerts with their states and escalation,
 * monitoring plans (thresholds, schedule, pauses) and the live feed. The clinical rules are in
 * alerts.scoring; SQL is in the stores here.
 */
package dk.fsc.service.alerts;
