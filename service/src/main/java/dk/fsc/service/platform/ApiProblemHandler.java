package dk.fsc.service.platform;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/** Answers an {@link ApiProblem} with its status and message as problem+json. */
@Singleton
class ApiProblemHandler implements ExceptionHandler<ApiProblem, HttpResponse<?>> {
    private final ErrorResponseProcessor<?> processor;

    ApiProblemHandler(ErrorResponseProcessor<?> processor) {
        this.processor = processor;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, ApiProblem problem) {
        return processor.processResponse(ErrorContext.builder(request).cause(problem).errorMessage(problem.getMessage()).build(),
                HttpResponse.status(problem.status()));
    }
}
