package dk.fsc.gateway.ingest;

import dk.fsc.gateway.contract.DeviceTopic;
import dk.fsc.gateway.contract.RejectionCode;

/**
 * What happened to one message object (reading, photo or status report): the reply the device
 * gets, and for the metrics the kind of message (null when the topic named none).
 */
record Outcome(String deviceId, String messageId, Status status, RejectionCode code, String detail, int observations,
               DeviceTopic.Kind kind) {

    enum Status { accepted, duplicate, rejected }

    /** As the service's replays and HTTP submissions report it. */
    dk.fsc.gateway.replay.QuarantineReplays.ObjectResult result() {
        return new dk.fsc.gateway.replay.QuarantineReplays.ObjectResult(messageId, status.name(), code == null ? null : code.name(), detail);
    }

    static Outcome accepted(String deviceId, String messageId, int observations) {
        return new Outcome(deviceId, messageId, Status.accepted, null, null, observations, null);
    }

    static Outcome duplicate(String deviceId, String messageId) {
        return new Outcome(deviceId, messageId, Status.duplicate, null, "already stored", 0, null);
    }

    static Outcome rejected(String deviceId, String messageId, RejectionCode code, String detail) {
        return new Outcome(deviceId, messageId, Status.rejected, code, detail, 0, null);
    }

    /**
     * This rejection, not kept in quarantine because the device has filled its quota: the reply
     * says why it was rejected and that the device should keep the message and send it later.
     */
    Outcome notKept() {
        return new Outcome(deviceId, messageId, Status.rejected, RejectionCode.QUARANTINE_QUOTA_EXCEEDED, code + ": " + detail
                + "; this device has filled its quarantine quota for now, so the message was not kept: keep it and send it again later",
                0, kind);
    }

    Outcome of(DeviceTopic.Kind messageKind) {
        return new Outcome(deviceId, messageId, status, code, detail, observations, messageKind);
    }
}
