package dk.fsc.service.fhir;

import ca.uhn.fhir.context.FhirContext;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.web.ErrorFormat;
import dk.fsc.service.platform.web.Problem;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.OperationOutcome;

/** Errors under {@code /fhir} as an OperationOutcome, in the format asked for; status and words as for the API. */
@Singleton
class FhirErrorFormat implements ErrorFormat {
    private final Provider<FhirContext> context;

    FhirErrorFormat(Provider<FhirContext> context) {
        this.context = context;
    }

    @Override
    public boolean handles(String path) {
        return path.equals("/fhir") || path.startsWith("/fhir/");
    }

    @Override
    public String noSuchRoute() {
        return "This FHIR server does not serve that resource type or interaction; what it serves is in GET /fhir/metadata (docs/fhir.md).";
    }

    @Override
    public Body write(Problem problem, @Nullable String accept, @Nullable String format) {
        FhirFormat chosen;
        try {
            chosen = FhirFormat.of(format, accept);
        } catch (Refusal unknownFormat) {
            chosen = FhirFormat.JSON;
        }
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(problem.status() >= 500 ? OperationOutcome.IssueSeverity.FATAL : OperationOutcome.IssueSeverity.ERROR)
                .setCode(issueType(problem.status())).setDiagnostics(problem.detail());
        return new Body(chosen.parser(context.get()).encodeResourceToString(outcome), chosen.contentType());
    }

    static OperationOutcome.IssueType issueType(int status) {
        return switch (status) {
            case 400, 422 -> OperationOutcome.IssueType.INVALID;
            case 401 -> OperationOutcome.IssueType.LOGIN;
            case 403 -> OperationOutcome.IssueType.FORBIDDEN;
            case 404 -> OperationOutcome.IssueType.NOTFOUND;
            case 405, 406, 415 -> OperationOutcome.IssueType.NOTSUPPORTED;
            case 409 -> OperationOutcome.IssueType.CONFLICT;
            case 429 -> OperationOutcome.IssueType.THROTTLED;
            case 503 -> OperationOutcome.IssueType.TRANSIENT;
            default -> status >= 500 ? OperationOutcome.IssueType.EXCEPTION : OperationOutcome.IssueType.PROCESSING;
        };
    }
}
