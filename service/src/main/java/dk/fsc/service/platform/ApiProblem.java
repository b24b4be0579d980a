package dk.fsc.service.platform;

import io.micronaut.http.HttpStatus;

/** A request that cannot be served, with the status and a message safe to show the caller. */
public class ApiProblem extends RuntimeException {
    private final HttpStatus status;

    public ApiProblem(HttpStatus status, String detail) {
        super(detail, null, false, false);
        this.status = status;
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, detail);
    }

    /** Also used for records of another organisation, so a caller cannot learn that they exist. */
    public static ApiProblem notFound(String detail) {
        return new ApiProblem(HttpStatus.NOT_FOUND, detail);
    }

    public HttpStatus status() {
        return status;
    }
}
