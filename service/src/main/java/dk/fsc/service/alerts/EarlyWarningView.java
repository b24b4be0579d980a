package dk.fsc.service.alerts;

import dk.fsc.gateway.contract.Questionnaire;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A patient's current TOBS and threshold state.
 *
 * @param colour     {@code green}, {@code yellow} or {@code red}: the overall state, the worst of the TOBS colour,
 *                   the thresholds' states (values, and the CAT total's change from its baseline), the newest
 *                   symptom diary's answers and a weight gain (yellow)
 * @param tobsColour the colour of the TOBS total alone, under the organisation's policy
 */
@Serdeable
public record EarlyWarningView(UUID patientId, Instant at, String colour, int total, String tobsColour, boolean partial, String policy,
                               List<Parameter> parameters, List<String> missing, List<String> advice,
                               List<Threshold> thresholds, @Nullable WeightGain weightGain, List<Symptom> symptoms) {

    /** One TOBS parameter that counted; {@code ageMinutes} since it was measured. */
    @Serdeable
    public record Parameter(String parameter, double value, double scoredValue, int points, Instant measuredAt, long ageMinutes) {
    }

    /** The newest value of a type and its colour under the patient's limits. */
    @Serdeable
    public record Threshold(String type, double value, Instant measuredAt, String state, @Nullable Double redHigh,
                            @Nullable Double yellowHigh, @Nullable Double yellowLow, @Nullable Double redLow) {
    }

    /** One answer of the newest COPD symptom diary within the window, with its colour ({@code green}, {@code yellow}, {@code red}). */
    @Serdeable
    public record Symptom(String questionnaire, String item, String answer, String state, Instant answeredAt) {
    }

    @Serdeable
    public record WeightGain(double kg, Instant from, Instant to) {
    }

    /** The view of an evaluator's picture: the API's answer and the console's early-warning panel show the same. */
    public static EarlyWarningView of(UUID patientId, Instant now, PatientEvaluator.Picture p) {
        var tobs = p.tobs();
        return new EarlyWarningView(patientId, now, p.overall().name().toLowerCase(), tobs.total(), tobs.colour().name().toLowerCase(),
                tobs.partial(), tobs.policy(),
                tobs.items().stream().map(i -> new Parameter(i.parameter().type(), i.value(), i.scoredValue(),
                        i.points(), i.measuredAt(), i.age().toMinutes())).toList(),
                tobs.missing().stream().map(m -> m.type()).toList(), tobs.advice(),
                p.thresholds().stream().map(t -> new Threshold(t.type(), t.value(), t.measuredAt(),
                        t.state().name().toLowerCase(), t.limits().redHigh(), t.limits().yellowHigh(), t.limits().yellowLow(),
                        t.limits().redLow())).toList(),
                p.weightGain().map(g -> new WeightGain(g.kg(), g.from().measuredAt(), g.to().measuredAt())).orElse(null),
                p.state().symptoms().stream().map(a -> new Symptom(Questionnaire.COPD_DIARY.wireName(), a.item(), a.answer(),
                        a.colour().name().toLowerCase(), a.answeredAt())).toList());
    }
}
