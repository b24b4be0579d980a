package dk.fsc.gateway.replay;

import java.sql.SQLException;
import java.util.List;

/**
 * Device messages that arrive another way than MQTT (a tablet app or partner system posting FHIR
 * to the service): run through the same checks, attribution and store as a message published on
 * the device's topic, and quarantined with their reason when they fail. The implementation lives
 * with the ingest.
 */
public interface Submissions {

    /**
     * A reading message of the device (the JSON a device publishes on {@code fsc/v1/devices/{id}/readings}).
     *
     * @return one result per message object, as the device would get them in its replies
     */
    List<QuarantineReplays.ObjectResult> reading(String deviceId, byte[] payload) throws SQLException;

    /**
     * Keeps what the device sent that could not be made into a message at all, with the reason,
     * for an operator to see (not replayable: it is not a device message).
     *
     * @param code one of the gateway's rejection codes ({@code dk.fsc.gateway.contract.RejectionCode})
     */
    void quarantine(String deviceId, String source, String code, String detail, byte[] payload) throws SQLException;
}
