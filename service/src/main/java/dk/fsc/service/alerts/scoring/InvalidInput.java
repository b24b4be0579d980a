package dk.fsc.service.alerts.scoring;

/**
 * Clinical input that a rule refuses (limits out of range or order, a pause too long): the
 * message says what to fix, {@code field} names the field at fault (null when none was given).
 */
public final class InvalidInput extends IllegalArgumentException {
    private final String field;

    InvalidInput(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
