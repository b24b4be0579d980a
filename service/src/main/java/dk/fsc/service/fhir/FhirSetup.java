package dk.fsc.service.fhir;

import ca.uhn.fhir.context.FhirContext;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** The process's one {@link FhirContext} (slow to build, safe to share): made on the first FHIR request. */
@Factory
class FhirSetup {

    @Singleton
    FhirContext fhirContext() {
        return FhirContext.forR4();
    }
}
