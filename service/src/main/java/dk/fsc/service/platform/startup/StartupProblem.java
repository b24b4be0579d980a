package dk.fsc.service.platform.startup;

/** A reason the system cannot start that the operator can fix; printed without a stack trace. */
public final class StartupProblem extends RuntimeException {
    public StartupProblem(String message) {
        super(message);
    }

    public StartupProblem(String message, Throwable cause) {
        super(message, cause);
    }
}
