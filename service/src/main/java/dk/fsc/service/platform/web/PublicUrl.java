package dk.fsc.service.platform.web;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.util.HttpHostResolver;
import jakarta.inject.Singleton;

/**
 * The address clients reach the service at, for links in answers (FHIR's self, next and
 * fullUrl, a photo's url): {@code FSC_PUBLIC_URL} (e.g. {@code https://fsc.example.rm.dk}) when
 * set, as it must be behind a proxy; else what the request's Host header says, which suits a
 * developer's machine. Behind the documented nginx the Host was {@code 127.0.0.1:8080}, so every
 * FHIR link pointed there, and a client's {@code X-Forwarded-Host} could point them anywhere.
 */
@Singleton
public class PublicUrl {
    private final String configured;
    private final HttpHostResolver hosts;

    PublicUrl(@Nullable @Value("${fsc.public-url:}") String configured, HttpHostResolver hosts) {
        this.configured = configured == null || configured.isBlank() ? null : configured.strip().replaceAll("/+$", "");
        if (this.configured != null && !this.configured.matches("https?://[^/?#]+(/[^?#]*)?")) {
            throw new IllegalStateException("FSC_PUBLIC_URL must be an http(s) address without query, e.g. https://fsc.example.rm.dk");
        }
        this.hosts = hosts;
    }

    /** The scheme, host and any path prefix, without a trailing slash. */
    public String of(HttpRequest<?> request) {
        return configured != null ? configured : hosts.resolve(request);
    }
}
