package dk.fsc.service.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.gateway.contract.RejectionCode;
import dk.fsc.gateway.replay.QuarantineReplays.ObjectResult;
import dk.fsc.gateway.replay.Submissions;
import dk.fsc.service.platform.errors.Refusal;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * {@code POST /fhir} from a device or app signed in as itself: each Observation or
 * QuestionnaireResponse of a transaction or batch Bundle becomes the reading message the device
 * would publish over MQTT and goes through
 * the gateway's checks, attribution by loan, idempotency (the resource's identifier is the
 * message id), store and evaluation ({@link Submissions}). Entries are taken one by one: the good
 * are stored and the bad quarantined with their reason; the answer has an OperationOutcome per entry.
 */
@Singleton
public class FhirWrites {
    private final FhirContext context;
    private final Submissions submissions;
    private final JsonMapper json;

    FhirWrites(FhirContext context, Submissions submissions, JsonMapper json) {
        this.context = context;
        this.submissions = submissions;
        this.json = json;
    }

    /** The response Bundle, one entry per entry posted, in order. */
    public Bundle submit(String deviceId, byte[] body, FhirFormat format) {
        IBaseResource posted;
        try {
            posted = format.parser(context).parseResource(new String(body, StandardCharsets.UTF_8));
        } catch (DataFormatException e) {
            // The parser's words may quote the body (a CPR number among it): they go back to the sender only, not into quarantine.
            keep(deviceId, "fhir", RejectionCode.MALFORMED_JSON, "not a FHIR resource in " + format.name(), body);
            throw Refusal.invalid("The body is not a FHIR " + format.name() + " resource (" + e.getMessage() + "); it was kept for support");
        }
        if (!(posted instanceof Bundle bundle) || bundle.getType() != Bundle.BundleType.TRANSACTION && bundle.getType() != Bundle.BundleType.BATCH) {
            keep(deviceId, "fhir", RejectionCode.INVALID_PAYLOAD, "not a transaction or batch Bundle", body);
            throw Refusal.invalid("POST /fhir takes a Bundle of type transaction or batch with Observations (docs/fhir.md)");
        }
        Bundle answer = new Bundle();
        answer.setType(bundle.getType() == Bundle.BundleType.TRANSACTION ? Bundle.BundleType.TRANSACTIONRESPONSE
                : Bundle.BundleType.BATCHRESPONSE);
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            answer.addEntry().setResponse(entry(deviceId, entry.getResource()));
        }
        return answer;
    }

    private Bundle.BundleEntryResponseComponent entry(String deviceId, Resource resource) {
        try {
            Map<String, Object> message;
            try {
                if (resource instanceof Observation observation) {
                    message = message(observation);
                } else if (resource instanceof QuestionnaireResponse response) {
                    message = message(response);
                } else {
                    String type = resource == null ? "no resource" : resource.fhirType();
                    return refused(deviceId, resource, RejectionCode.INVALID_PAYLOAD, type
                            + " is not taken: post Observations and QuestionnaireResponses (docs/fhir.md)");
                }
            } catch (Unreadable e) {
                return refused(deviceId, resource, e.code, e.getMessage());
            }
            List<ObjectResult> results = submissions.reading(deviceId, json.writeValueAsBytes(message));
            ObjectResult result = results.get(0);
            return switch (result.status()) {
                case "accepted" -> response("201 Created", OperationOutcome.IssueSeverity.INFORMATION, OperationOutcome.IssueType.INFORMATIONAL,
                        "stored as message " + result.messageId());
                case "duplicate" -> response("200 OK", OperationOutcome.IssueSeverity.INFORMATION, OperationOutcome.IssueType.DUPLICATE,
                        "already stored (message " + result.messageId() + "): nothing stored twice");
                default -> response("422 Unprocessable Entity", OperationOutcome.IssueSeverity.ERROR, OperationOutcome.IssueType.PROCESSING,
                        result.code() + ": " + result.detail());
            };
        } catch (SQLException | IOException e) {
            throw Refusal.unavailable("The database did not take the entries; send the Bundle again (nothing is stored twice)");
        }
    }

    private Bundle.BundleEntryResponseComponent refused(String deviceId, Resource resource, RejectionCode code, String detail)
            throws SQLException {
        byte[] raw = resource == null ? new byte[0]
                : context.newJsonParser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
        keep(deviceId, "fhir/" + (resource == null ? "entry" : resource.fhirType()), code, detail, raw);
        return response("422 Unprocessable Entity", OperationOutcome.IssueSeverity.ERROR, OperationOutcome.IssueType.PROCESSING,
                code + ": " + detail);
    }

    private void keep(String deviceId, String source, RejectionCode code, String detail, byte[] raw) {
        try {
            submissions.quarantine(deviceId, source, code.name(), detail, raw);
        } catch (SQLException e) {
            throw Refusal.unavailable("The database did not take the entries; send the Bundle again (nothing is stored twice)");
        }
    }

    private static Bundle.BundleEntryResponseComponent response(String status, OperationOutcome.IssueSeverity severity,
                                                               OperationOutcome.IssueType type, String text) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(severity).setCode(type).setDiagnostics(text);
        return new Bundle.BundleEntryResponseComponent().setStatus(status).setOutcome(outcome);
    }

    /** The reading message a device would publish for this Observation (docs/mqtt.md). */
    static Map<String, Object> message(Observation o) throws Unreadable {
        String messageId = o.getIdentifier().stream().filter(i -> i.hasValue()).map(i -> i.getValue()).findFirst()
                .orElseThrow(() -> new Unreadable(RejectionCode.INVALID_PAYLOAD,
                        "Observation.identifier is required: its value is the message id that makes a resend store once"));
        String measuredAt;
        if (o.hasEffectiveDateTimeType()) {
            measuredAt = o.getEffectiveDateTimeType().getValueAsString();
        } else if (o.hasEffectiveInstantType()) {
            measuredAt = o.getEffectiveInstantType().getValueAsString();
        } else {
            throw new Unreadable(RejectionCode.INVALID_PAYLOAD, "Observation.effectiveDateTime is required: when it was measured, with time and zone");
        }
        List<Map<String, Object>> observations = new ArrayList<>();
        if (o.hasComponent()) {
            for (Observation.ObservationComponentComponent c : o.getComponent()) {
                observations.add(observation(c.getCode().getCoding(), c.getValue()));
            }
        } else {
            observations.add(observation(o.getCode().getCoding(), o.getValue()));
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("messageId", messageId);
        message.put("measuredAt", measuredAt);
        message.put("observations", observations);
        return message;
    }

    /**
     * The reading message with a questionnaire's answers (docs/mqtt.md, "Questionnaires") for a
     * completed QuestionnaireResponse to one of our Questionnaires: its identifier is the message
     * id, {@code authored} the time; each item's one answer a coding of ours, an integer (CAT) or a code.
     */
    static Map<String, Object> message(QuestionnaireResponse r) throws Unreadable {
        if (!r.hasIdentifier() || !r.getIdentifier().hasValue()) {
            throw new Unreadable(RejectionCode.INVALID_PAYLOAD,
                    "QuestionnaireResponse.identifier is required: its value is the message id that makes a resend store once");
        }
        if (!r.hasAuthored()) {
            throw new Unreadable(RejectionCode.INVALID_PAYLOAD, "QuestionnaireResponse.authored is required: when it was answered, with time and zone");
        }
        if (r.getStatus() != QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED) {
            throw new Unreadable(RejectionCode.INVALID_PAYLOAD, "only a completed QuestionnaireResponse is taken (status "
                    + (r.hasStatus() ? r.getStatus().toCode() : "missing") + ")");
        }
        dk.fsc.gateway.contract.Questionnaire q = Questionnaires.named(r.getQuestionnaire()).orElseThrow(() -> new Unreadable(
                RejectionCode.UNKNOWN_QUESTIONNAIRE, "QuestionnaireResponse.questionnaire '" + r.getQuestionnaire()
                + "' is not one of ours: GET /fhir/Questionnaire lists them"));
        List<Map<String, Object>> answers = new ArrayList<>();
        for (QuestionnaireResponse.QuestionnaireResponseItemComponent item : r.getItem()) {
            if (item.getAnswer().size() != 1) {
                throw new Unreadable(RejectionCode.INVALID_PAYLOAD, "item " + item.getLinkId() + " needs exactly one answer");
            }
            Type value = item.getAnswerFirstRep().getValue();
            Object answer;
            if (value instanceof Coding coding) {
                answer = Questionnaires.answerOf(coding);
            } else if (value instanceof IntegerType integer) {
                answer = integer.getValue();
            } else if (value instanceof StringType text) {
                answer = text.getValue();
            } else {
                throw new Unreadable(RejectionCode.INVALID_PAYLOAD, "item " + item.getLinkId()
                        + ": answer with valueCoding (a diary), valueInteger (CAT) or valueString");
            }
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("item", item.getLinkId());
            a.put("answer", answer);
            answers.add(a);
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("messageId", r.getIdentifier().getValue());
        message.put("measuredAt", r.getAuthoredElement().getValueAsString());
        message.put("questionnaire", q.wireName());
        message.put("answers", answers);
        return message;
    }

    private static Map<String, Object> observation(List<Coding> codings, Type value) throws Unreadable {
        ObservationType type = null;
        for (Coding coding : codings) {
            try {
                List<String> types = ObservationCodes.typesFor((coding.hasSystem() ? coding.getSystem() : "") + "|" + coding.getCode());
                if (types.size() == 1) {
                    type = ObservationType.fromWire(types.get(0)).orElseThrow();
                    break;
                }
            } catch (Refusal unknown) {
                // try the next coding
            }
        }
        if (type == null) {
            throw new Unreadable(RejectionCode.UNKNOWN_TYPE, "none of the codes " + codings.stream().map(c -> c.getSystem() + "|" + c.getCode())
                    .toList() + " is one this server takes (docs/fhir.md, Codes)");
        }
        if (!(value instanceof Quantity q) || !q.hasValue()) {
            throw new Unreadable(RejectionCode.INVALID_PAYLOAD, type.wireName() + " needs a valueQuantity with value and UCUM code");
        }
        Map<String, Object> observation = new LinkedHashMap<>();
        observation.put("type", type.wireName());
        observation.put("value", q.getValue());
        observation.put("unit", q.hasCode() ? q.getCode() : q.getUnit());
        return observation;
    }

    /** An Observation that cannot be made into a reading message. */
    static final class Unreadable extends Exception {
        private final RejectionCode code;

        Unreadable(RejectionCode code, String detail) {
            super(detail, null, false, false);
            this.code = code;
        }
    }
}
