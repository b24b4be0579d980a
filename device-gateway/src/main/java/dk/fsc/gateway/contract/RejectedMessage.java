package dk.fsc.gateway.contract;

/** A device message that breaks the contract: carries the stable code and a readable detail. */
public final class RejectedMessage extends Exception {
    private final RejectionCode code;

    public RejectedMessage(RejectionCode code, String detail) {
        super(safe(detail), null, false, false);
        this.code = code;
    }

    /** Details go to devices, logs and a text column: bounded, printable, never a NUL byte. */
    private static String safe(String detail) {
        String printable = detail.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 500 ? printable.substring(0, 500) + "…" : printable;
    }

    public RejectionCode code() {
        return code;
    }

    public String detail() {
        return getMessage();
    }
}
