package dk.fsc.gateway.ingest;

import dk.fsc.gateway.contract.RejectionCode;
import java.time.Instant;
import java.util.UUID;

/**
 * Checks 5 and 6 of the {@link MessageChain}, given the device's facts: the device is registered
 * and in service, and (for a reading or a photo) was on loan at the time it was taken, which
 * makes the message that loan's patient's. Either a patient or the refusal.
 *
 * @param patient null when refused, or for a status report (it belongs to no patient)
 * @param refused the rejection, or null
 */
record Attribution(UUID patient, Outcome refused) {

    /** A status report: only the device must be registered and in service. */
    static Attribution ofDevice(String deviceId, String messageId, DeviceFacts facts) {
        if (!facts.registered()) {
            return refused(deviceId, messageId, RejectionCode.UNKNOWN_DEVICE, "device " + deviceId + " is not registered");
        }
        if (facts.retired()) {
            return refused(deviceId, messageId, RejectionCode.DEVICE_RETIRED, "device " + deviceId + " is retired");
        }
        return new Attribution(null, null);
    }

    /** A reading or a photo taken at {@code at}: the device in service and on loan then. */
    static Attribution toPatient(String deviceId, String messageId, Instant at, DeviceFacts facts) {
        Attribution device = ofDevice(deviceId, messageId, facts);
        if (device.refused() != null) {
            return device;
        }
        UUID patient = facts.patientAt(at);
        if (patient == null) {
            return refused(deviceId, messageId, RejectionCode.DEVICE_NOT_ON_LOAN,
                    "device " + deviceId + " was not on loan to a patient at " + at);
        }
        return new Attribution(patient, null);
    }

    private static Attribution refused(String deviceId, String messageId, RejectionCode code, String detail) {
        return new Attribution(null, Outcome.rejected(deviceId, messageId, code, detail));
    }
}
