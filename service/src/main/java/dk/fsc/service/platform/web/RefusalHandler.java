package dk.fsc.service.platform.web;

import dk.fsc.service.platform.errors.Refusal;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/** The one place a {@link Refusal} becomes an HTTP status; the body is problem+json with its message. */
@Singleton
class RefusalHandler implements ExceptionHandler<Refusal, HttpResponse<?>> {
    private final ErrorResponseProcessor<?> processor;

    RefusalHandler(ErrorResponseProcessor<?> processor) {
        this.processor = processor;
    }

    static HttpStatus status(Refusal.Kind kind) {
        return switch (kind) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case TOO_MANY -> HttpStatus.TOO_MANY_REQUESTS;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case TOO_LARGE -> HttpStatus.REQUEST_ENTITY_TOO_LARGE;
            case LENGTH_REQUIRED -> HttpStatus.LENGTH_REQUIRED;
            case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
        };
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, Refusal refusal) {
        return processor.processResponse(ErrorContext.builder(request).cause(refusal).errorMessage(refusal.getMessage()).build(),
                HttpResponse.status(status(refusal.kind())));
    }
}
