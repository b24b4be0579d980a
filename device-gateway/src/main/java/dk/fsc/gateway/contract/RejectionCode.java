package dk.fsc.gateway.contract;

/**
 * Stable reason codes sent to a device in a {@code rejected} reply and kept with the quarantined
 * message. Device firmware may switch on them; never rename one, only add.
 */
public enum RejectionCode {
    /** The topic is not {@code fsc/v1/devices/{deviceId}/{kind}} with a known kind. */
    BAD_TOPIC,
    /** The payload is larger than the gateway accepts. */
    PAYLOAD_TOO_LARGE,
    /** The payload is not UTF-8 JSON. */
    MALFORMED_JSON,
    /** A required field is missing or has the wrong shape. */
    INVALID_PAYLOAD,
    /** An observation type the contract does not know. */
    UNKNOWN_TYPE,
    /** A unit that is not accepted for the observation's type. */
    UNKNOWN_UNIT,
    /** A value outside what is physically possible for the type. */
    IMPLAUSIBLE_VALUE,
    /** {@code measuredAt} is further in the future than the allowed clock skew. */
    MEASURED_IN_FUTURE,
    /** {@code measuredAt} is older than the accepted backlog window. */
    MEASURED_TOO_LONG_AGO,
    /** No device is registered under the topic's device id. */
    UNKNOWN_DEVICE,
    /** The device has been retired. */
    DEVICE_RETIRED,
    /** The device was not on loan to any patient at {@code measuredAt}. */
    DEVICE_NOT_ON_LOAN,
    /** The message id was used before by this device for a different reading. */
    MESSAGE_ID_REUSED,
    /** A photo's image is larger than 10 MiB decoded. */
    PHOTO_TOO_LARGE,
    /** A photo's contentType is not JPEG, PNG, TIFF, GIF or PDF. */
    UNSUPPORTED_CONTENT_TYPE,
    /** A photo's image is not what its contentType says, or cannot be read. */
    INVALID_IMAGE,
    /** The database refused the message for a reason of its own; it is kept for an operator. */
    STORE_REFUSED,
    /** The device sent more messages than its rate allows; the message is kept in quarantine. Send slower. */
    RATE_LIMITED,
    /**
     * The message was rejected (the detail says why) and this device has filled its quarantine
     * quota for now, so it was not kept: keep it and send it again later.
     */
    QUARANTINE_QUOTA_EXCEEDED,
    /** A questionnaire the contract does not know. */
    UNKNOWN_QUESTIONNAIRE,
    /** An answer to an item the questionnaire does not have, or one the item does not accept. */
    INVALID_ANSWER
}
