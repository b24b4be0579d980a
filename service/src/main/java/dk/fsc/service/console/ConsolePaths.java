package dk.fsc.service.console;

/** Which requests are the console's: everything but the API, FHIR, the OpenAPI document and the operators' endpoints. */
final class ConsolePaths {
    private ConsolePaths() {
    }

    static boolean isApi(String path) {
        return path.startsWith("/api/") || path.equals("/api") || path.equals("/login") || path.startsWith("/openapi/")
                || path.startsWith("/fhir/") || path.equals("/fhir") || path.startsWith("/health") || path.startsWith("/prometheus");
    }

    static boolean isAsset(String path) {
        return path.startsWith("/static/") || path.startsWith("/webjars/");
    }
}
