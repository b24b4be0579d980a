package dk.fsc.service.alerts;

import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.gateway.contract.Questionnaire;
import dk.fsc.service.alerts.scoring.Colour;
import dk.fsc.service.alerts.scoring.LimitedType;
import dk.fsc.service.alerts.scoring.Limits;
import dk.fsc.service.alerts.scoring.Measurement;
import dk.fsc.service.alerts.scoring.OverallColour;
import dk.fsc.service.alerts.scoring.TobsCalculator;
import dk.fsc.service.alerts.scoring.TobsScore;
import dk.fsc.service.alerts.scoring.WeightTrend;
import dk.fsc.service.platform.database.Database;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Applies the early-warning rules to a patient's current data: TOBS, the patient's thresholds (on
 * values and on the CAT total's change from its baseline), the newest symptom diary and the weight
 * trend, read on the caller's transaction. Each rule that is not green gives a {@link Finding}.
 */
@Singleton
public class PatientEvaluator {
    private final Database db;
    private final AlertsConfig config;
    private final JsonMapper json;

    PatientEvaluator(Database db, AlertsConfig config, JsonMapper json) {
        this.db = db;
        this.config = config;
        this.json = json;
    }

    /** The newest value of a type within the TOBS window, with its colour under the patient's limits. */
    public record ThresholdState(String type, double value, Instant measuredAt, Colour state, Limits limits, Instant receivedAt) {
    }

    /** The patient's current early-warning picture. */
    public record Picture(PatientState state, TobsScore tobs, List<ThresholdState> thresholds, Optional<WeightTrend.Gain> weightGain) {
        /**
         * The colour shown to staff: never milder than TOBS, any value under the patient's limits,
         * an answer of the newest symptom diary, or a weight gain.
         */
        public Colour overall() {
            List<Colour> parts = new ArrayList<>(thresholds.stream().map(ThresholdState::state).toList());
            state.symptoms().forEach(a -> parts.add(a.colour()));
            return OverallColour.of(tobs.colour(), parts, weightGain.isPresent());
        }
    }

    public Picture picture(UUID patientId, Instant now) {
        return picture(PatientState.load(db.sql(), patientId, now, config.getTobsWindow(), config.getWeightGainPeriod()), now);
    }

    /**
     * The states of several patients as of {@code now}, read together on the caller's transaction
     * (an evaluation claim's); a patient that does not exist is not in the answer.
     */
    Map<UUID, PatientState> states(Collection<UUID> patients, Instant now) {
        return PatientState.loadAll(db.sql(), patients, now, config.getTobsWindow(), config.getWeightGainPeriod());
    }

    private Picture picture(PatientState state, Instant now) {
        TobsScore tobs = new TobsCalculator(config.getTobsWindow(), state.policy()).score(state.measurements(), now);
        Instant recent = now.minus(config.getTobsWindow());
        Map<String, Measurement> newest = new LinkedHashMap<>();
        for (Measurement m : state.measurements()) {
            if (!m.measuredAt().isBefore(recent)) {
                newest.put(m.type(), m); // ordered by time, so the last one wins
            }
        }
        List<ThresholdState> thresholds = new ArrayList<>();
        for (Measurement m : newest.values()) {
            state.thresholds().limitsFor(m.type()).ifPresent(limits ->
                    thresholds.add(new ThresholdState(m.type(), m.value(), m.measuredAt(), limits.classify(m.value()), limits, m.receivedAt())));
        }
        Measurement cat = newest.get(ObservationType.CAT_SCORE.wireName());
        if (cat != null && state.catBaseline() != null) { // the change from the baseline is limited like a value
            double change = cat.value() - state.catBaseline();
            state.thresholds().limitsFor(LimitedType.CAT_CHANGE.wireName()).ifPresent(limits -> thresholds.add(
                    new ThresholdState(LimitedType.CAT_CHANGE.wireName(), change, cat.measuredAt(), limits.classify(change), limits, cat.receivedAt())));
        }
        Optional<WeightTrend.Gain> gain = new WeightTrend(config.getWeightGainKg(), config.getWeightGainPeriod())
                .findGain(state.measurements());
        return new Picture(state, tobs, thresholds, gain);
    }

    /** The findings of the rules on a patient's state, read by {@link #states} as of the same {@code now}. */
    List<Finding> evaluate(PatientState state, Instant now) {
        UUID patientId = state.patientId();
        Picture p = picture(state, now);
        List<Finding> findings = new ArrayList<>();
        tobsFinding(p).ifPresent(findings::add);
        thresholdFinding(p).ifPresent(findings::add);
        symptomFinding(p).ifPresent(findings::add);
        p.weightGain().ifPresent(g -> findings.add(new Finding(patientId, p.state().organisationId(), "weight_trend", Severity.YELLOW,
                String.format("Weight up %.1f kg in %d h (%.1f → %.1f kg)", g.kg(),
                        Duration.between(g.from().measuredAt(), g.to().measuredAt()).toHours(), g.from().value(), g.to().value()),
                toJson(Map.of("fromKg", g.from().value(), "toKg", g.to().value(), "from", g.from().measuredAt().toString(),
                        "to", g.to().measuredAt().toString())), null, latest(g.from().receivedAt(), g.to().receivedAt()))));
        return findings;
    }

    private Optional<Finding> tobsFinding(Picture p) {
        TobsScore s = p.tobs();
        if (s.colour() == Colour.GREEN) {
            return Optional.empty();
        }
        String items = s.items().stream().filter(i -> i.points() > 0)
                .map(i -> name(i.parameter().type()) + " " + fmt(i.value()) + " → " + i.points()).collect(Collectors.joining(", "));
        String summary = "TOBS " + s.total() + " (" + s.colour().name().toLowerCase() + ")" + (items.isEmpty() ? "" : ": " + items)
                + (s.partial() ? "; partial, missing " + s.missing().stream().map(m -> name(m.type())).collect(Collectors.joining(", ")) : "")
                + (s.advice().isEmpty() ? "" : ". " + String.join(" ", s.advice()));
        Instant evidence = s.items().stream().map(TobsScore.Item::receivedAt).max(Comparator.naturalOrder()).orElseThrow();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("total", s.total());
        details.put("partial", s.partial());
        details.put("items", s.items().stream().map(i -> Map.of("parameter", i.parameter().type(), "value", i.value(),
                "scoredValue", i.scoredValue(), "points", i.points(), "measuredAt", i.measuredAt().toString())).toList());
        details.put("missing", s.missing().stream().map(m -> m.type()).toList());
        details.put("advice", s.advice());
        return Optional.of(new Finding(p.state().patientId(), p.state().organisationId(), "tobs", Severity.of(s.colour()), summary,
                toJson(details), s.policy(), evidence));
    }

    private Optional<Finding> thresholdFinding(Picture p) {
        List<ThresholdState> outside = p.thresholds().stream().filter(t -> t.state() != Colour.GREEN)
                .sorted(Comparator.comparing(ThresholdState::state).reversed()).toList();
        if (outside.isEmpty()) {
            return Optional.empty();
        }
        Colour worst = outside.get(0).state();
        String summary = "Outside limits: " + outside.stream()
                .map(t -> name(t.type()) + " " + fmt(t.value()) + " (" + t.state().name().toLowerCase() + ")").collect(Collectors.joining(", "));
        Instant evidence = outside.stream().map(ThresholdState::receivedAt).max(Comparator.naturalOrder()).orElseThrow();
        String details = toJson(Map.of("values", outside.stream().map(t -> Map.of("type", t.type(), "value", t.value(),
                "state", t.state().name().toLowerCase(), "measuredAt", t.measuredAt().toString())).toList()));
        return Optional.of(new Finding(p.state().patientId(), p.state().organisationId(), "threshold", Severity.of(worst), summary,
                details, null, evidence));
    }

    /** The newest symptom diary's answers that are not green: red ones need a nurse as a red value does. */
    private Optional<Finding> symptomFinding(Picture p) {
        List<PatientState.SymptomAnswer> notGreen = p.state().symptoms().stream().filter(a -> a.colour() != Colour.GREEN)
                .sorted(Comparator.comparing(PatientState.SymptomAnswer::colour).reversed()).toList();
        if (notGreen.isEmpty()) {
            return Optional.empty();
        }
        Colour worst = notGreen.get(0).colour();
        String summary = "Symptom diary: " + notGreen.stream()
                .map(a -> name(a.item()) + " " + name(a.answer()) + " (" + a.colour().name().toLowerCase() + ")").collect(Collectors.joining(", "));
        Instant answeredAt = notGreen.get(0).answeredAt();
        String details = toJson(Map.of("questionnaire", Questionnaire.COPD_DIARY.wireName(), "answeredAt", answeredAt.toString(),
                "answers", notGreen.stream().map(a -> Map.of("item", a.item(), "answer", a.answer(),
                        "state", a.colour().name().toLowerCase())).toList()));
        Instant received = notGreen.stream().map(PatientState.SymptomAnswer::receivedAt).max(Comparator.naturalOrder()).orElseThrow();
        return Optional.of(new Finding(p.state().patientId(), p.state().organisationId(), "symptom", Severity.of(worst), summary,
                details, null, received));
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String name(String type) {
        return type.replace('_', ' ');
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(Math.round(v * 10) / 10.0);
    }
}
