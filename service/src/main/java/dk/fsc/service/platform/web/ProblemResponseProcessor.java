package dk.fsc.service.platform.web;

import dk.fsc.service.platform.errors.Refusal;
import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
public class ProblemResponseProcessor implements ErrorResponseProcessor<Object> {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponseProcessor.class);
    private final List<ErrorFormat> formats;

    ProblemResponseProcessor(List<ErrorFormat> formats) {
        this.formats = formats;
    }

    @Override
    public MutableHttpResponse<Object> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        int status = response.code();
        String path = context.getRequest().getPath();
        String detail;
        Throwable cause = context.getRootCause().orElse(null);
        if (status == 503 && cause instanceof Refusal problem) {
            detail = problem.getMessage(); // a dependency is down: say which, it helps the caller retry
        } else if (status >= 500) {
            String reference = UUID.randomUUID().toString();
            LOG.error("Request {} {} failed, reference {}", context.getRequest().getMethod(), path, reference,
                    context.getRootCause().orElse(null));
            detail = "An internal error occurred; quote reference " + reference + " to support.";
        } else if (status == 401 && path.equals("/login")) {
            detail = "Wrong username or password, or the account is disabled.";
        } else if (status == 401 && cause instanceof Refusal problem) {
            detail = problem.getMessage(); // proof other than a staff token was missing (the broker's login check)
        } else if (status == 401) {
            detail = "Authentication required: send 'Authorization: Bearer <token>' with a token from POST /login.";
        } else if (status == 403) {
            detail = "Your role does not allow this request.";
        } else if (cause instanceof Refusal problem) {
            detail = problem.getMessage();
        } else if (status == 404) {
            detail = format(path).map(ErrorFormat::noSuchRoute)
                    .orElse("No such route; the API's routes are in docs/api.md and /openapi/fsc-telemedicine-api-1.yml.");
        } else {
            detail = withoutInternals(context.getErrors().stream().map(Error::getMessage).collect(Collectors.joining("; ")));
            if (detail.isBlank()) {
                detail = HttpStatus.valueOf(status).getReason();
            }
        }
        Problem body = new Problem("about:blank", HttpStatus.valueOf(status).getReason(), status, detail, path);
        java.util.Optional<ErrorFormat> format = format(path);
        if (format.isPresent()) {
            ErrorFormat.Body written = format.get().write(body, context.getRequest().getHeaders().get(HttpHeaders.ACCEPT),
                    context.getRequest().getParameters().get("_format"));
            return response.body((Object) written.text()).contentType(written.contentType());
        }
        return response.body((Object) body).contentType(Problem.MEDIA_TYPE);
    }

    private java.util.Optional<ErrorFormat> format(String path) {
        return formats.stream().filter(f -> f.handles(path)).findFirst();
    }

    private static final Pattern CONVERSION = Pattern.compile("Failed to convert argument \\[(\\w+)\\]");
    private static final Pattern PROPERTY = Pattern.compile("property \\[\\S+ (\\w+)\\]");
    private static final Pattern POSITION = Pattern.compile("line: (\\d+), column: (\\d+)");

    /**
     * The framework's conversion messages name our classes and may quote the value sent (which can
     * be a CPR number): said again in plain words, naming the field and position only.
     */
    static String withoutInternals(String detail) {
        Matcher conversion = CONVERSION.matcher(detail);
        if (conversion.find()) {
            String argument = conversion.group(1);
            if (!argument.equals("body")) {
                return "The parameter '" + argument + "' has the wrong form for this request.";
            }
            StringBuilder plain = new StringBuilder("The request body is not JSON of the shape this request takes");
            Matcher property = PROPERTY.matcher(detail);
            if (property.find()) {
                plain.append(" (field '").append(property.group(1)).append("')");
            }
            Matcher position = POSITION.matcher(detail);
            String line = null;
            String column = null;
            while (position.find()) {
                line = position.group(1);
                column = position.group(2);
            }
            if (line != null) {
                plain.append(", at line ").append(line).append(" column ").append(column);
            }
            return plain.append("; see docs/api.md.").toString();
        }
        if (detail.contains("Exception") || detail.contains("dk.fsc.") || detail.contains("io.micronaut.")) {
            return "The request could not be read; see docs/api.md for its form.";
        }
        return detail;
    }
}
