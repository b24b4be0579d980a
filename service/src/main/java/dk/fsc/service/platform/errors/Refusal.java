package dk.fsc.service.platform.errors;

/**
 * A request the domain refuses, with a message safe to show the caller. Stores and domain code
 * raise it; {@code platform.web.RefusalHandler} alone turns its {@link Kind} into an HTTP status,
 * so nothing below the controllers knows about HTTP.
 */
public final class Refusal extends RuntimeException {
    /** Why the request is refused; each kind has one HTTP status in {@code RefusalHandler}. */
    public enum Kind {
        /** The caller sent something to fix (400). */
        INVALID,
        /** No such record for this caller; also used for other organisations' records (404). */
        NOT_FOUND,
        /** The record's state does not allow it now (409). */
        CONFLICT,
        /** The caller holds too much of a bounded resource (429). */
        TOO_MANY,
        /** A system we depend on is down; the message says which (503). */
        UNAVAILABLE,
        /** The request's body is larger than its route takes (413). */
        TOO_LARGE,
        /** The request's body came without its length where one is needed (411). */
        LENGTH_REQUIRED,
        /** The caller did not prove who it is, by a means other than staff sign-in (401). */
        UNAUTHENTICATED
    }

    private final Kind kind;

    private Refusal(Kind kind, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
    }

    public static Refusal invalid(String detail) {
        return new Refusal(Kind.INVALID, detail);
    }

    /** Also used for records of another organisation, so a caller cannot learn that they exist. */
    public static Refusal notFound(String detail) {
        return new Refusal(Kind.NOT_FOUND, detail);
    }

    public static Refusal conflict(String detail) {
        return new Refusal(Kind.CONFLICT, detail);
    }

    public static Refusal tooMany(String detail) {
        return new Refusal(Kind.TOO_MANY, detail);
    }

    public static Refusal unavailable(String detail) {
        return new Refusal(Kind.UNAVAILABLE, detail);
    }

    public static Refusal tooLarge(String detail) {
        return new Refusal(Kind.TOO_LARGE, detail);
    }

    public static Refusal lengthRequired(String detail) {
        return new Refusal(Kind.LENGTH_REQUIRED, detail);
    }

    public static Refusal unauthenticated(String detail) {
        return new Refusal(Kind.UNAUTHENTICATED, detail);
    }

    public Kind kind() {
        return kind;
    }
}
