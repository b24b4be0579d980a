/**
 * Readings of a patient: the history endpoint, staff-entered observations, partition maintenance
 * of the readings table. Uses patients, audit and alerts (to ask for an evaluation).
 */
package dk.fsc.service.readings;
