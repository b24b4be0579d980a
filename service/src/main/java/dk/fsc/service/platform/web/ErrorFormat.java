package dk.fsc.service.platform.web;

import io.micronaut.core.annotation.Nullable;

/**
 * An error body other than problem+json for the paths of a protocol that has its own (FHIR's
 * OperationOutcome under {@code /fhir}). {@link ProblemResponseProcessor} still decides the status
 * and the words; a format only writes them in its protocol's shape.
 */
public interface ErrorFormat {

    /** The body and its media type. */
    record Body(String text, String contentType) {
    }

    /** Whether errors of requests to this path are written by this format. */
    boolean handles(String path);

    /** What to tell a caller of a path under this format that matches no route. */
    String noSuchRoute();

    /**
     * @param accept the request's Accept header
     * @param format the request's {@code _format} parameter (FHIR's override of Accept)
     */
    Body write(Problem problem, @Nullable String accept, @Nullable String format);
}
