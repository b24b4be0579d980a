package dk.fsc.service.platform.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.context.ServerRequestContext;

/**
 * The HTTP method and path served on this thread, for records written below the controllers
 * (the security log) without them reaching into HTTP; "-" for both outside a request.
 */
public record CurrentRequest(String method, String path) {
    public static CurrentRequest now() {
        HttpRequest<?> request = ServerRequestContext.currentRequest().orElse(null);
        return request == null ? new CurrentRequest("-", "-") : new CurrentRequest(request.getMethodName(), request.getPath());
    }
}
