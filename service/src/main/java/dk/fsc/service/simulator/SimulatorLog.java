package dk.fsc.service.simulator;

/**
 * The simulator's log: one line per message the broker acknowledged (device, messageId, kind,
 * expected outcome and code, observations, patient, whether its values are red), tab-separated.
 * {@code bin/simulate --check} (the tools module's {@code Reconciliation}) compares it with what
 * the system stored.
 */
final class SimulatorLog {
    static final String HEADER = "#device\tmessage_id\tkind\texpect\tcode\tobservations\tpatient\tred";

    private SimulatorLog() {
    }
}
