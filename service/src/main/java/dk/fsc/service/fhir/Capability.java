package dk.fsc.service.fhir;

import java.util.Date;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations;

/** What {@code /fhir} serves, exactly: a resource or parameter not listed here is refused. */
final class Capability {
    private static final Date STARTED = new Date();

    private Capability() {
    }

    static CapabilityStatement statement(String base) {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE);
        cs.setDate(STARTED);
        cs.setPublisher("Fælles Service Center (FSC), Region Midtjylland");
        cs.setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE);
        cs.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        cs.addFormat("json");
        cs.addFormat("xml");
        cs.getSoftware().setName("FSC telemedicine service");
        cs.getImplementation().setDescription("FSC home monitoring: readings of citizens' home devices (docs/fhir.md)").setUrl(base);
        CapabilityStatementRestComponent rest = cs.addRest().setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.getSecurity().setDescription("Authorization: Bearer <token> from POST /login. Nurses and clinicians see the citizens of "
                + "their own organisation; a hospital's wound specialists the wounds referred to their clinic (Observation 72287-6, Media, "
                + "ClinicalImpression) while the referral is open; every read of a citizen's data is in the access log "
                + "(header X-FSC-Purpose says why).");

        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.TRANSACTION)
                .setDocumentation("POST /fhir by a device or app signed in with its device account (HTTP Basic): Observations and "
                        + "QuestionnaireResponses, each entry answered on its own");
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.BATCH)
                .setDocumentation("As transaction: each entry stored or refused on its own");

        CapabilityStatementRestResourceComponent patient = rest.addResource().setType("Patient");
        patient.addInteraction().setCode(TypeRestfulInteraction.READ);
        patient.addOperation().setName("everything").setDefinition("http://hl7.org/fhir/OperationDefinition/Patient-everything")
                .setDocumentation("The record, devices lent, wound photos, alerts, then observations oldest first; _count a page");

        CapabilityStatementRestResourceComponent observation = searchedByPatient(rest, "Observation", "");
        observation.addSearchParam().setName("code").setType(Enumerations.SearchParamType.TOKEN)
                .setDocumentation("NPU, MedCom, LOINC or MDC code, system|code or code alone; comma-separated for several. "
                        + "http://loinc.org|72287-6 alone: the wound measurements (all of them, one page)");
        observation.addSearchParam().setName("date").setType(Enumerations.SearchParamType.DATE)
                .setDocumentation("eq, ge, gt, le or lt; repeat for a range; a date without time is a day in Danish time");

        searchedByPatient(rest, "Media", "; a wound photo's image is at content.url");

        searchedByPatient(rest, "ClinicalImpression", "; the wound specialists' assessments, newest first");

        searchedByPatient(rest, "DetectedIssue", "; the patient's alerts, newest first, at most 200");

        searchedByPatient(rest, "QuestionnaireResponse", "; the patient's answered questionnaires, newest first, at most 500");

        CapabilityStatementRestResourceComponent questionnaire = rest.addResource().setType("Questionnaire");
        questionnaire.addInteraction().setCode(TypeRestfulInteraction.READ);
        questionnaire.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        questionnaire.addSearchParam().setName("url").setType(Enumerations.SearchParamType.URI)
                .setDocumentation("The canonical URL (with or without |version); without it, all of them. Open to anyone");

        CapabilityStatementRestResourceComponent device = rest.addResource().setType("Device");
        device.addInteraction().setCode(TypeRestfulInteraction.READ);
        return cs;
    }

    /** A resource read by id and searched per patient ({@code patient} or {@code subject}, required). */
    private static CapabilityStatementRestResourceComponent searchedByPatient(CapabilityStatementRestComponent rest, String type,
                                                                              String note) {
        CapabilityStatementRestResourceComponent resource = rest.addResource().setType(type);
        resource.addInteraction().setCode(TypeRestfulInteraction.READ);
        resource.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        resource.addSearchParam().setName("patient").setType(Enumerations.SearchParamType.REFERENCE)
                .setDocumentation("Required (or subject): the Patient's id" + note);
        resource.addSearchParam().setName("subject").setType(Enumerations.SearchParamType.REFERENCE)
                .setDocumentation("Patient/<id>, as patient");
        return resource;
    }
}
