package dk.fsc.service.platform;

import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every error response of the server (our own, the router's, validation's, security's)
 * into one problem+json shape. Server errors never show internals: the caller gets a reference
 * that is also in the log.
 */
@Singleton
@Primary
@Replaces(ErrorResponseProcessor.class)
public class ProblemResponseProcessor implements ErrorResponseProcessor<Problem> {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponseProcessor.class);

    @Override
    public MutableHttpResponse<Problem> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        int status = response.code();
        String path = context.getRequest().getPath();
        String detail;
        Throwable cause = context.getRootCause().orElse(null);
        if (status == 503 && cause instanceof ApiProblem problem) {
            detail = problem.getMessage(); // a dependency is down: say which, it helps the caller retry
        } else if (status >= 500) {
            String reference = UUID.randomUUID().toString();
            LOG.error("Request {} {} failed, reference {}", context.getRequest().getMethod(), path, reference,
                    context.getRootCause().orElse(null));
            detail = "An internal error occurred; quote reference " + reference + " to support.";
        } else if (status == 401 && path.equals("/login")) {
            detail = "Wrong username or password, or the account is disabled.";
        } else if (status == 401) {
            detail = "Authentication required: send 'Authorization: Bearer <token>' with a token from POST /login.";
        } else if (status == 403) {
            detail = "Your role does not allow this request.";
        } else if (cause instanceof ApiProblem problem) {
            detail = problem.getMessage();
        } else {
            detail = context.getErrors().stream().map(Error::getMessage).collect(Collectors.joining("; "));
            if (detail.isBlank()) {
                detail = HttpStatus.valueOf(status).getReason();
            }
        }
        Problem body = new Problem("about:blank", HttpStatus.valueOf(status).getReason(), status, detail, path);
        return response.body(body).contentType(Problem.MEDIA_TYPE);
    }
}
