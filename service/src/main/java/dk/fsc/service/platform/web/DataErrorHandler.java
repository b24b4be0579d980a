package dk.fsc.service.platform.web;

import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Refusal;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value PostgreSQL cannot store (SQLState class 22, "data exception": a date in the year
 * -300000, a NUL character, a number past numeric's range) is the caller's to fix, so it answers
 * 400 with what kind of value it was, not 500 with a reference: the checks in front of the
 * database cannot foresee every field of every body. Only the states a sent value can cause: the
 * rest of class 22 (a division by zero, a cast of our own that fails) is a fault of ours, and
 * answered 400 "check the values you sent" it went unseen until 2026-12-05. Any other database
 * error stays a 500.
 */
@Singleton
class DataErrorHandler implements ExceptionHandler<Sql.DataError, HttpResponse<?>> {
    private static final Logger LOG = LoggerFactory.getLogger(DataErrorHandler.class);
    /** Out-of-range dates and times, NUL characters, numbers out of range, texts too long. */
    static final java.util.Set<String> SENT_VALUE_STATES = java.util.Set.of("22007", "22008", "22021", "22P05", "22003", "22001");
    private final ErrorResponseProcessor<?> processor;

    DataErrorHandler(ErrorResponseProcessor<?> processor) {
        this.processor = processor;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, Sql.DataError error) {
        String state = error.getCause() instanceof SQLException sql ? sql.getSQLState() : null;
        if (state == null || !SENT_VALUE_STATES.contains(state)) {
            return processor.processResponse(ErrorContext.builder(request).cause(error).build(), HttpResponse.status(HttpStatus.INTERNAL_SERVER_ERROR));
        }
        // The state only: PostgreSQL's message may repeat the value (a note, a CPR number typed in it).
        LOG.warn("Request {} {} had a value the database cannot store (SQLState {})", request.getMethod(), request.getPath(), state);
        Refusal refusal = Refusal.invalid(said(state));
        return processor.processResponse(ErrorContext.builder(request).cause(refusal).errorMessage(refusal.getMessage()).build(),
                HttpResponse.status(HttpStatus.BAD_REQUEST));
    }

    static String said(String state) {
        return switch (state) {
            case "22007", "22008" -> "A date or time in the request is outside what can be stored (years 1 to 9999): check the dates you sent.";
            case "22021", "22P05" -> "A text in the request holds a character that cannot be stored (NUL, \\u0000): remove it.";
            case "22003" -> "A number in the request is too large or too small to be stored.";
            case "22001" -> "A text in the request is longer than can be stored.";
            default -> throw new IllegalArgumentException("not a state a sent value causes: " + state);
        };
    }
}
