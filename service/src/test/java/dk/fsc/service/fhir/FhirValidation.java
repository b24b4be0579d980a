package dk.fsc.service.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * HAPI's instance validator against base R4 (its structure definitions, value sets and the code
 * systems it carries; LOINC, NPU, MedCom and MDC are not loaded, so their codes are warned about,
 * not checked). Errors and fatals are what a test fails on.
 */
final class FhirValidation {
    private static FhirValidator validator;

    private FhirValidation() {
    }

    static synchronized List<String> errors(FhirContext context, IBaseResource resource) {
        if (validator == null) {
            ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(context),
                    new CommonCodeSystemsTerminologyService(context), new InMemoryTerminologyServerValidationSupport(context),
                    new SnapshotGeneratingValidationSupport(context));
            validator = context.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
        }
        return validator.validateWithResult(resource).getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(FhirValidation::describe).toList();
    }

    private static String describe(SingleValidationMessage m) {
        return m.getSeverity() + " at " + m.getLocationString() + ": " + m.getMessage();
    }
}
