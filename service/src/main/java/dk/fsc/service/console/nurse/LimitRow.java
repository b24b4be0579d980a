package dk.fsc.service.console.nurse;

/**
 * One row of a patient's limits table: a type with the limits in force.
 *
 * @param source {@code patient} (a clinician's), {@code programme} (the default) or {@code none}
 */
public record LimitRow(String type, Double redLow, Double yellowLow, Double yellowHigh, Double redHigh, String source) {
}
