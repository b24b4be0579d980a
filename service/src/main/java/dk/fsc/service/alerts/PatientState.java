package dk.fsc.service.alerts;

import dk.fsc.service.alerts.scoring.Limits;
import dk.fsc.service.alerts.scoring.Measurement;
import dk.fsc.service.alerts.scoring.ResponsePolicy;
import dk.fsc.service.alerts.scoring.ThresholdSet;
import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.gateway.contract.Questionnaire;
import dk.fsc.service.alerts.scoring.Colour;
import dk.fsc.service.platform.database.Sql;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Everything the early-warning rules need about one patient, read in one transaction: recent
 * measurements, thresholds in force (programme default plus overrides), the organisation's policy,
 * the newest symptom diary's answers and, when a CAT total is among the measurements, the CAT baseline.
 */
record PatientState(UUID patientId, String organisationId, List<Measurement> measurements, ThresholdSet thresholds,
                    ResponsePolicy policy, List<SymptomAnswer> symptoms, Double catBaseline) {

    /** One answer of the patient's newest COPD symptom diary within the window, with its colour. */
    record SymptomAnswer(String item, String answer, Colour colour, Instant answeredAt, Instant receivedAt) {
    }

    /** Types of which only the newest value counts (all but weight). */
    private static final String[] NEWEST_ONLY = Arrays.stream(ObservationType.values()).map(ObservationType::wireName)
            .filter(t -> !t.equals("weight")).toArray(String[]::new);

    /**
     * One patient's state, as {@link #loadAll} reads it.
     *
     * @throws IllegalStateException when there is no such patient
     */
    static PatientState load(Sql sql, UUID patientId, Instant now, Duration window, Duration weightBack) {
        PatientState state = loadAll(sql, List.of(patientId), now, window, weightBack).get(patientId);
        if (state == null) {
            throw new IllegalStateException("no patient " + patientId);
        }
        return state;
    }

    /**
     * The states of several patients (an evaluation claim's) in three statements for all of them
     * instead of three each: the round trips and the executor's start over the readings' months
     * were most of an evaluation's database time (docs/benchmarks.md, "A claim's patients read
     * together"). A patient that does not exist is not in the answer.
     *
     * @param window     how far back values count for scoring
     * @param weightBack how far back weights are needed for the trend
     */
    static Map<UUID, PatientState> loadAll(Sql sql, Collection<UUID> patients, Instant now, Duration window, Duration weightBack) {
        java.sql.Array ids = sql.array("uuid", patients.toArray());
        Map<UUID, Context> contexts = contexts(sql, ids);
        if (contexts.isEmpty()) {
            return Map.of();
        }
        // The rules look at the newest value of each type in the window, and at every weight for the
        // trend: so one index probe per patient and type, not every reading of the window (a patient
        // measured every minute would otherwise cost more with each reading). Each patient's in the
        // order the rules expect.
        Instant weightsFrom = now.minus(window).isBefore(now.minus(weightBack)) ? now.minus(window) : now.minus(weightBack);
        Map<UUID, List<Measurement>> measurements = new HashMap<>();
        sql.list("""
                SELECT * FROM (
                    SELECT p.id AS patient_id, r.* FROM unnest(?::uuid[]) AS p(id)
                     CROSS JOIN unnest(?::text[]) AS t(type)
                     CROSS JOIN LATERAL (SELECT type, value, measured_at, site, received_at, seq FROM readings
                                          WHERE patient_id = p.id AND type = t.type AND measured_at >= ?
                                          ORDER BY measured_at DESC, received_at DESC, seq DESC LIMIT 1) r
                    UNION ALL
                    SELECT patient_id, type, value, measured_at, site, received_at, seq FROM readings
                     WHERE patient_id = ANY(?::uuid[]) AND type = 'weight' AND measured_at >= ?) m
                 ORDER BY patient_id, measured_at, received_at, seq""",
                rs -> measurements.computeIfAbsent(rs.getObject("patient_id", UUID.class), k -> new ArrayList<>())
                        .add(new Measurement(rs.getString("type"), rs.getDouble("value"), Sql.instant(rs, "measured_at"), rs.getString("site"),
                                Sql.instant(rs, "received_at"))),
                ids, NEWEST_ONLY, now.minus(window), ids, weightsFrom);
        Map<UUID, List<SymptomAnswer>> symptoms = symptoms(sql, ids, now.minus(window));
        Map<UUID, PatientState> states = new HashMap<>();
        contexts.forEach((patientId, context) -> {
            List<Measurement> own = measurements.getOrDefault(patientId, List.of());
            ThresholdSet defaults = ThresholdSet.copdDefaults(context.scale2());
            Map<String, Limits> overrides = new HashMap<>();
            context.changes().forEach((type, limits) -> {
                if (limits != null) {
                    overrides.put(type, limits);
                } else { // cleared: back to the programme default
                    defaults.limitsFor(type).ifPresent(l -> overrides.put(type, l));
                }
            });
            boolean catInWindow = own.stream().anyMatch(m -> m.type().equals(ObservationType.CAT_SCORE.wireName()));
            states.put(patientId, new PatientState(patientId, context.organisation(), own, defaults.with(overrides), context.policy(),
                    symptoms.getOrDefault(patientId, List.of()),
                    catInWindow ? catBaseline(sql, patientId, context.monitoringStarted()) : null));
        });
        return states;
    }

    /** The answers of each patient's newest symptom diary answered since {@code from} (none: no entry). */
    private static Map<UUID, List<SymptomAnswer>> symptoms(Sql sql, java.sql.Array ids, Instant from) {
        Map<UUID, List<SymptomAnswer>> answers = new HashMap<>();
        sql.list("""
                SELECT a.patient_id, a.item, a.answer, a.severity, a.answered_at, a.received_at
                  FROM (SELECT patient_id, max(answered_at) AS newest FROM questionnaire_answers
                         WHERE patient_id = ANY(?::uuid[]) AND questionnaire = ? AND answered_at >= ?
                         GROUP BY patient_id) n
                  JOIN questionnaire_answers a ON a.patient_id = n.patient_id AND a.questionnaire = ? AND a.answered_at = n.newest
                 ORDER BY a.patient_id, a.received_at, a.device_id, a.message_id, a.seq""",
                rs -> answers.computeIfAbsent(rs.getObject("patient_id", UUID.class), k -> new ArrayList<>())
                        .add(new SymptomAnswer(rs.getString("item"), rs.getString("answer"),
                                Colour.valueOf(rs.getString("severity").toUpperCase()), Sql.instant(rs, "answered_at"),
                                Sql.instant(rs, "received_at"))),
                ids, Questionnaire.COPD_DIARY.wireName(), from, Questionnaire.COPD_DIARY.wireName());
        return answers;
    }

    /** Where the CAT baseline is looked for first: the month after monitoring started, when a programme takes its first CAT. */
    private static final Duration CAT_BASELINE_FIRST_LOOK = Duration.ofDays(31);

    /**
     * The patient's CAT baseline: the first CAT total since monitoring started (the patient's
     * state when monitoring began; docs/early-warning.md), or the first of all without monitoring
     * settings. The start is passed as a value, not read in a subquery, so PostgreSQL leaves out
     * the months before it when it plans (a subquery's value prunes only while running, after
     * every month's index has been opened and probed: a region keeps 120 of them); and the month
     * after the start is searched first, so a patient monitored for years costs the probe of a
     * month or two, not of every month since.
     */
    private static Double catBaseline(Sql sql, UUID patientId, Instant monitoringStarted) {
        if (monitoringStarted == null) {
            return firstCat(sql, patientId, "");
        }
        Instant firstLookEnds = monitoringStarted.plus(CAT_BASELINE_FIRST_LOOK);
        Double first = firstCat(sql, patientId, "AND measured_at >= ? AND measured_at < ?", monitoringStarted, firstLookEnds);
        return first != null ? first : firstCat(sql, patientId, "AND measured_at >= ?", firstLookEnds);
    }

    /** The first CAT total of the patient within the bounds (SQL with their parameters), by time, then as received. */
    private static Double firstCat(Sql sql, UUID patientId, String bounds, Object... boundValues) {
        Object[] params = new Object[2 + boundValues.length];
        params[0] = patientId;
        params[1] = ObservationType.CAT_SCORE.wireName();
        System.arraycopy(boundValues, 0, params, 2, boundValues.length);
        return sql.one("SELECT value FROM readings WHERE patient_id = ? AND type = ? " + bounds
                        + " ORDER BY measured_at, received_at, seq LIMIT 1",
                rs -> rs.getDouble(1), params).orElse(null);
    }

    /**
     * The patient's organisation, SpO2 scale, that organisation's policy, the newest threshold
     * change per type (null: cleared) and when monitoring started (null: no monitoring settings).
     */
    private record Context(String organisation, boolean scale2, ResponsePolicy policy, Map<String, Limits> changes,
                           Instant monitoringStarted) {
    }

    /** One query for all (a row per patient and threshold change, or one without): evaluation runs for every new reading. */
    private static Map<UUID, Context> contexts(Sql sql, java.sql.Array ids) {
        Map<UUID, Context> contexts = new HashMap<>();
        sql.list("""
                SELECT p.id, p.organisation_id, coalesce(m.spo2_target_88_92, false) AS scale2, m.started_at,
                       rp.name, rp.yellow_from_total, rp.red_from_total, rp.red_on_single_three,
                       c.type, c.red_high, c.yellow_high, c.yellow_low, c.red_low, c.cleared
                  FROM patients p
                  LEFT JOIN patient_monitoring m ON m.patient_id = p.id
                  LEFT JOIN response_policies rp ON rp.organisation_id = p.organisation_id
                  LEFT JOIN LATERAL (SELECT DISTINCT ON (type) type, red_high, yellow_high, yellow_low, red_low, cleared
                                       FROM threshold_changes WHERE patient_id = p.id ORDER BY type, id DESC) c ON true
                 WHERE p.id = ANY(?::uuid[])""", rs -> {
                    UUID patientId = rs.getObject("id", UUID.class);
                    Context context = contexts.get(patientId);
                    if (context == null) {
                        ResponsePolicy policy = rs.getString("name") == null ? ResponsePolicy.DEFAULT
                                : new ResponsePolicy(rs.getString("name"), rs.getInt("yellow_from_total"), rs.getInt("red_from_total"),
                                rs.getBoolean("red_on_single_three"));
                        context = new Context(rs.getString("organisation_id"), rs.getBoolean("scale2"), policy, new HashMap<>(),
                                Sql.instant(rs, "started_at"));
                        contexts.put(patientId, context);
                    }
                    if (rs.getString("type") != null) {
                        context.changes().put(rs.getString("type"), rs.getBoolean("cleared") ? null
                                : new Limits(Sql.nullableDouble(rs, "red_high"), Sql.nullableDouble(rs, "yellow_high"),
                                Sql.nullableDouble(rs, "yellow_low"), Sql.nullableDouble(rs, "red_low")));
                    }
                    return patientId;
                }, ids);
        return contexts;
    }
}
