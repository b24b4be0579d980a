package dk.fsc.service.platform.web;

import io.micronaut.serde.annotation.Serdeable;

/** The error body of every HTTP error (RFC 9457, application/problem+json). */
@Serdeable
public record Problem(String type, String title, int status, String detail, String instance) {
    public static final String MEDIA_TYPE = "application/problem+json";
}
