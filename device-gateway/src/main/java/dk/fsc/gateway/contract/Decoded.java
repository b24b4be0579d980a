package dk.fsc.gateway.contract;

/**
 * The outcome of decoding one device message object: a valid reading, photo or status report, or
 * the reason it was rejected. Each keeps the raw JSON of the object so nothing is lost.
 */
public sealed interface Decoded {

    /** The raw JSON text of this object, UTF-8. */
    byte[] raw();

    /** The message id when the payload named one, else null. */
    String messageId();

    record Valid(Reading reading, byte[] raw) implements Decoded {
        @Override
        public String messageId() {
            return reading.messageId();
        }
    }

    /** A wound photo, its image already checked against the content type. */
    record Photo(PhotoMessage photo, byte[] raw) implements Decoded {
        @Override
        public String messageId() {
            return photo.messageId();
        }
    }

    /** A device status report. */
    record Status(StatusReport status, byte[] raw) implements Decoded {
        @Override
        public String messageId() {
            return status.messageId();
        }
    }

    record Invalid(String messageId, RejectedMessage reason, byte[] raw) implements Decoded {
    }
}
