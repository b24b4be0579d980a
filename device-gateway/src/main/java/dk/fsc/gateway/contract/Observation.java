package dk.fsc.gateway.contract;

/**
 * One normalised observation: the value is in the type's stored unit.
 *
 * @param site   where a temperature was taken ({@code rectal}, {@code oral}, {@code axillary},
 *               {@code ear}), else null
 * @param source serial and model of a Bluetooth device behind a home hub, else null
 */
public record Observation(ObservationType type, double value, String site, String source) {
}
