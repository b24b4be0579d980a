package dk.fsc.service.platform.web;

import dk.fsc.service.platform.errors.Refusal;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import java.util.regex.Pattern;

/**
 * The size of a request body, per route: a photo upload may be as large as a camera's photo
 * ({@code micronaut.server.max-request-size}, which Netty enforces on every body however it is
 * sent), every other route takes {@code fsc.http.max-body} (JSON and forms, 1 MB). A body declared
 * larger is refused with 413 before a byte of it is read, one without a declared length (chunked)
 * with 411; the answer names the limit.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class BodyLimits implements Ordered {
    /** The routes that take a photo: the API's and the nurses' console form. */
    static final Pattern UPLOADS = Pattern.compile(
            "/api/wounds/[0-9a-fA-F-]{36}/photos|/patients/[0-9a-fA-F-]{36}/wounds/[0-9a-fA-F-]{36}/photos");
    private final long maxBody;

    BodyLimits(@Value("${fsc.http.max-body:1MB}") String maxBody) {
        this.maxBody = bytes(maxBody);
    }

    /** Before security and everything else: nothing is done for a body we will not take. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }

    @RequestFilter
    void limit(HttpRequest<?> request) {
        if (UPLOADS.matcher(request.getPath()).matches()) {
            return;
        }
        long length = request.getContentLength();
        if (length > maxBody) {
            throw Refusal.tooLarge("The request body is " + length + " bytes; this address takes at most " + maxBody
                    + " (photos are uploaded to /api/wounds/{id}/photos).");
        }
        // A body of unknown length (chunked) would be read up to the upload's limit before anything could refuse it.
        if (length < 0 && request.getHeaders().contains(HttpHeaders.TRANSFER_ENCODING)) {
            throw Refusal.lengthRequired("Send the body with a Content-Length: this address takes at most " + maxBody
                    + " bytes, and a body of unknown length is taken only by a photo upload.");
        }
    }

    /** "1MB", "512KB", "2048" (bytes), as Micronaut reads its own sizes. */
    static long bytes(String size) {
        String s = size.trim().toUpperCase(java.util.Locale.ROOT);
        long unit = s.endsWith("GB") ? 1L << 30 : s.endsWith("MB") ? 1L << 20 : s.endsWith("KB") ? 1L << 10 : 1;
        String digits = unit == 1 ? s.replaceAll("B$", "") : s.substring(0, s.length() - 2);
        if (!StringUtils.hasText(digits) || !digits.trim().matches("\\d+")) {
            throw new IllegalArgumentException("fsc.http.max-body must be a size like 1MB or 512KB, not " + size);
        }
        return Long.parseLong(digits.trim()) * unit;
    }
}
