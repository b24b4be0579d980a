package dk.fsc.service.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import dk.fsc.service.platform.errors.Refusal;
import io.micronaut.core.annotation.Nullable;
import java.util.Locale;

/** JSON or XML, by {@code _format} when given, else by the Accept header; JSON when neither says. */
enum FhirFormat {
    JSON("application/fhir+json"),
    XML("application/fhir+xml");

    private final String mediaType;

    FhirFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    String contentType() {
        return mediaType + ";charset=utf-8";
    }

    IParser parser(FhirContext context) {
        return (this == JSON ? context.newJsonParser() : context.newXmlParser()).setPrettyPrint(false);
    }

    /** The format asked for; a {@code _format} we do not write is refused, an Accept we do not know gives JSON. */
    static FhirFormat of(@Nullable String format, @Nullable String accept) {
        if (format != null && !format.isBlank()) {
            // An unencoded application/fhir+json arrives as "application/fhir json": the + repaired, as dates' are.
            FhirFormat named = named(format.strip().replace(' ', '+'));
            if (named == null) {
                throw Refusal.invalid("_format '" + format.strip() + "' is not supported; use json or xml"
                        + " (or application/fhir+json, application/fhir+xml)");
            }
            return named;
        }
        if (accept != null) {
            for (String part : accept.split(",")) {
                FhirFormat named = named(part.split(";")[0].strip());
                if (named != null) {
                    return named;
                }
            }
        }
        return JSON;
    }

    private static FhirFormat named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "json", "application/json", "application/fhir+json", "application/json+fhir" -> JSON;
            case "xml", "application/xml", "text/xml", "application/fhir+xml", "application/xml+fhir" -> XML;
            default -> null;
        };
    }
}
