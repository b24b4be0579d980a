package dk.fsc.gateway.contract;

import java.time.Instant;
import java.util.List;

/**
 * A device's report of its own state. Every field but the id and time is optional: a device sends
 * what it knows.
 *
 * @param batteryPercent 0-100
 * @param signalDbm      received signal strength, -140 to 0 dBm
 * @param faults         the device's fault codes; empty means no fault
 */
public record StatusReport(String messageId, Instant reportedAt, Integer batteryPercent, String firmware,
                           Integer signalDbm, List<String> faults) {
}
