package dk.fsc.gateway.contract;

/**
 * The outcome of decoding one reading object: a valid {@link Reading} or the reason it was
 * rejected. Both keep the raw JSON of the object so nothing is lost.
 */
public sealed interface Decoded {

    /** The raw JSON text of this reading object, UTF-8. */
    byte[] raw();

    /** The message id when the payload named one, else null. */
    String messageId();

    record Valid(Reading reading, byte[] raw) implements Decoded {
        @Override
        public String messageId() {
            return reading.messageId();
        }
    }

    record Invalid(String messageId, RejectedMessage reason, byte[] raw) implements Decoded {
    }
}
