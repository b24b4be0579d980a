package dk.fsc.service.fhir;

import dk.fsc.gateway.contract.Questionnaire;
import dk.fsc.gateway.storage.ReadingRows;
import dk.fsc.service.readings.AnswerStore;
import io.micronaut.context.MessageSource;
import jakarta.inject.Singleton;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;

/**
 * The questionnaires of the device contract ({@link Questionnaire}) as FHIR Questionnaires: the
 * items and answers with their codes from the contract, the texts (Danish) from the message
 * bundles. A CAT item is an {@code integer} from 0 to 5; a symptom diary item a {@code choice}
 * whose answers are codings of {@link #ANSWER_SYSTEM}, each with its severity ({@link #SEVERITY}).
 */
@Singleton
class Questionnaires {
    static final String CANONICAL_BASE = "https://fsc.rm.dk/fhir/Questionnaire/";
    static final String ANSWER_SYSTEM = "https://fsc.rm.dk/fhir/CodeSystem/questionnaire-answer";
    /** An answer option's severity: {@code green}, {@code yellow} or {@code red}. */
    static final String SEVERITY = "https://fsc.rm.dk/fhir/StructureDefinition/answer-severity";
    private static final String MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue";
    private static final String MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue";
    private static final Date PUBLISHED = new Date(1796083200000L); // 2026-12-01
    private static final Locale DANISH = Locale.forLanguageTag("da");
    private final MessageSource texts;

    Questionnaires(MessageSource texts) {
        this.texts = texts;
    }

    /** The FHIR id of a questionnaire: its wire name with {@code -} for {@code _} (an id has no underscore). */
    static String id(Questionnaire q) {
        return q.wireName().replace('_', '-');
    }

    static String canonical(Questionnaire q) {
        return CANONICAL_BASE + id(q);
    }

    /**
     * The questionnaire a QuestionnaireResponse names: our canonical URL (with or without
     * {@code |version}), or {@code Questionnaire/<id>} relative or on this server.
     */
    static Optional<Questionnaire> named(String reference) {
        if (reference == null) {
            return Optional.empty();
        }
        String url = reference.contains("|") ? reference.substring(0, reference.indexOf('|')) : reference;
        int slash = url.lastIndexOf("Questionnaire/");
        if (slash < 0) {
            return Optional.empty();
        }
        String id = url.substring(slash + "Questionnaire/".length());
        return List.of(Questionnaire.values()).stream().filter(q -> id(q).equals(id)).findFirst();
    }

    static Optional<Questionnaire> byId(String id) {
        return List.of(Questionnaire.values()).stream().filter(q -> id(q).equals(id)).findFirst();
    }

    org.hl7.fhir.r4.model.Questionnaire resource(Questionnaire q) {
        org.hl7.fhir.r4.model.Questionnaire r = new org.hl7.fhir.r4.model.Questionnaire();
        r.setId(id(q));
        r.setUrl(canonical(q));
        r.setVersion(q.version());
        r.setName(q == Questionnaire.CAT ? "CAT" : "COPDSymptomDiary");
        r.setTitle(text("questionnaire." + q.wireName() + ".title"));
        r.setStatus(Enumerations.PublicationStatus.ACTIVE);
        r.setDate(PUBLISHED);
        r.setPublisher("Fælles Service Center (FSC), Region Midtjylland");
        r.setLanguage("da");
        r.addSubjectType("Patient");
        r.setDescription(q.total() == null
                ? "Each answer has a severity (extension answer-severity); a red answer raises an alert, a yellow one a yellow alert."
                : "Eight items scored 0 to 5; the total (0 to 40) is stored as the Observation MCS88137 (CAT score), where the patient's "
                + "limits on the total and on its change from the baseline apply.");
        for (Questionnaire.Item item : q.items()) {
            QuestionnaireItemComponent i = r.addItem().setLinkId(item.id()).setRequired(true)
                    .setText(text("questionnaire." + q.wireName() + "." + item.id()));
            if (q.total() != null) {
                i.setType(QuestionnaireItemType.INTEGER);
                i.addExtension(MIN_VALUE, new IntegerType(item.options().get(0).points()));
                i.addExtension(MAX_VALUE, new IntegerType(item.options().get(item.options().size() - 1).points()));
            } else {
                i.setType(QuestionnaireItemType.CHOICE);
                for (Questionnaire.Option option : item.options()) {
                    i.addAnswerOption().setValue(coding(q, item, option.code()))
                            .addExtension(SEVERITY, new CodeType(option.severity().name().toLowerCase(Locale.ROOT)));
                }
            }
        }
        return r;
    }

    /** The FHIR id of an answered questionnaire: an Observation id's shape (patient, instant, hash), so a read is one probe. */
    static String responseId(AnswerStore.Answered a) {
        return FhirIds.observation(a.patientId(), a.answeredAt(), a.deviceId(), a.messageId(), "questionnaire");
    }

    /** An answered questionnaire as a completed QuestionnaireResponse, the answers as they were stored. */
    QuestionnaireResponse response(AnswerStore.Answered a) {
        Questionnaire q = Questionnaire.fromWire(a.questionnaire()).orElseThrow();
        QuestionnaireResponse r = new QuestionnaireResponse();
        r.setId(responseId(a));
        r.getIdentifier().setValue(a.messageId());
        r.setQuestionnaire(canonical(q) + "|" + a.version());
        r.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
        r.setSubject(new Reference("Patient/" + a.patientId()));
        r.setAuthoredElement(Resources.dateTime(a.answeredAt()));
        if (!a.deviceId().equals(ReadingRows.STAFF_DEVICE)) {
            r.setAuthor(new Reference("Device/" + FhirIds.device(a.deviceId())));
        }
        for (AnswerStore.Answer answer : a.answers()) {
            QuestionnaireResponse.QuestionnaireResponseItemComponent item = r.addItem().setLinkId(answer.item());
            Questionnaire.Item defined = q.item(answer.item()).orElse(null);
            if (defined != null) {
                item.setText(text("questionnaire." + q.wireName() + "." + defined.id()));
            }
            QuestionnaireResponse.QuestionnaireResponseItemAnswerComponent given = item.addAnswer();
            if (q.total() != null) {
                given.setValue(new IntegerType(answer.points()));
            } else {
                given.setValue(defined == null ? new Coding(ANSWER_SYSTEM, answer.answer(), null) : coding(q, defined, answer.answer()));
                if (answer.severity() != null) {
                    given.addExtension(SEVERITY, new CodeType(answer.severity()));
                }
            }
        }
        return r;
    }

    /** An answer's coding: code {@code <questionnaire>.<item>.<answer>} with its Danish text. */
    Coding coding(Questionnaire q, Questionnaire.Item item, String answer) {
        return new Coding(ANSWER_SYSTEM, q.wireName() + "." + item.id() + "." + answer,
                text("questionnaire." + q.wireName() + "." + item.id() + "." + answer));
    }

    /** The answer a coding of {@link #ANSWER_SYSTEM} stands for (its last part), or the code as it is from another system. */
    static String answerOf(Coding coding) {
        String code = coding.getCode() == null ? "" : coding.getCode();
        return ANSWER_SYSTEM.equals(coding.getSystem()) && code.contains(".") ? code.substring(code.lastIndexOf('.') + 1) : code;
    }

    private String text(String key) {
        return texts.getMessage(key, DANISH).orElseThrow(() -> new IllegalStateException("no text " + key + " in the message bundles"));
    }
}
