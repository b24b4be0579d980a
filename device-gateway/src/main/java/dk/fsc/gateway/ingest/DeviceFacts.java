package dk.fsc.gateway.ingest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What the database says about a device, read once per batch: its state (null when it is not
 * registered), its loans, from which {@link Attribution} decides whose a message is, and its
 * number, by which its readings name it (V37; 0 when it is not registered).
 */
record DeviceFacts(String state, List<Loan> loans, int number) {
    static final DeviceFacts UNREGISTERED = new DeviceFacts(null, List.of(), 0);

    /** @param endsAt null while the loan runs */
    record Loan(UUID patient, Instant startsAt, Instant endsAt) {
    }

    boolean registered() {
        return state != null;
    }

    boolean retired() {
        return "retired".equals(state);
    }

    /** The patient of the device's loan at that moment (the latest started one, if loans overlap), or null. */
    UUID patientAt(Instant at) {
        Loan found = null;
        for (Loan l : loans) {
            if (!l.startsAt().isAfter(at) && (l.endsAt() == null || l.endsAt().isAfter(at))
                    && (found == null || l.startsAt().isAfter(found.startsAt()))) {
                found = l;
            }
        }
        return found == null ? null : found.patient();
    }
}
