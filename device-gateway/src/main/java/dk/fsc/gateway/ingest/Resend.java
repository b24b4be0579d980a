package dk.fsc.gateway.ingest;

import dk.fsc.gateway.contract.Reading;
import dk.fsc.gateway.contract.RejectionCode;
import java.time.Instant;

/**
 * Check 7 of the {@link MessageChain} for a message whose id its device used before: the same
 * message sent again (a duplicate, answered as such and not stored twice) or a different one
 * under a reused id (rejected).
 */
final class Resend {
    private Resend() {
    }

    /**
     * What is stored under a reading's id.
     *
     * @param contentSha256 the SHA-256 of {@link Reading#content()}; null for rows stored before it was kept (V10)
     */
    record StoredReading(Instant measuredAt, int observationCount, String contentSha256) {
    }

    /**
     * Whether the stored reading says the same as this one. Rows stored before the content hash
     * was kept can only be compared by time and observation count.
     */
    static boolean sameReading(StoredReading stored, Reading reading, String contentSha256) {
        if (stored == null) {
            return false;
        }
        return stored.contentSha256() != null ? stored.contentSha256().equals(contentSha256)
                : stored.measuredAt().equals(reading.measuredAt()) && stored.observationCount() == reading.observations().size();
    }

    /** A duplicate when the stored message is the same, else the id was reused. */
    static Outcome outcome(boolean same, String deviceId, String messageId) {
        return same ? Outcome.duplicate(deviceId, messageId) : reused(deviceId, messageId);
    }

    static Outcome reused(String deviceId, String messageId) {
        return Outcome.rejected(deviceId, messageId, RejectionCode.MESSAGE_ID_REUSED,
                "messageId " + messageId + " was already used by this device for a different message");
    }
}
