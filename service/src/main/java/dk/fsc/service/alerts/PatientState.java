package dk.fsc.service.alerts;

import dk.fsc.service.alerts.scoring.Limits;
import dk.fsc.service.alerts.scoring.Measurement;
import dk.fsc.service.alerts.scoring.ResponsePolicy;
import dk.fsc.service.alerts.scoring.ThresholdSet;
import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.service.platform.Sql;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Everything the early-warning rules need about one patient, read in one transaction: recent
 * measurements, thresholds in force (programme default plus overrides), the organisation's policy.
 */
record PatientState(UUID patientId, String organisationId, List<Measurement> measurements, ThresholdSet thresholds,
                    ResponsePolicy policy) {

    /** Types of which only the newest value counts (all but weight). */
    private static final String[] NEWEST_ONLY = Arrays.stream(ObservationType.values()).map(ObservationType::wireName)
            .filter(t -> !t.equals("weight")).toArray(String[]::new);

    /**
     * @param window     how far back values count for scoring
     * @param weightBack how far back weights are needed for the trend
     */
    static PatientState load(Sql sql, UUID patientId, Instant now, Duration window, Duration weightBack) {
        String organisation = sql.one("SELECT organisation_id FROM patients WHERE id = ?", rs -> rs.getString(1), patientId)
                .orElseThrow(() -> new IllegalStateException("no patient " + patientId));
        boolean scale2 = sql.one("SELECT spo2_target_88_92 FROM patient_monitoring WHERE patient_id = ?", rs -> rs.getBoolean(1), patientId)
                .orElse(false);
        // The rules look at the newest value of each type in the window, and at every weight for the
        // trend: so one index probe per type, not every reading of the window (a patient measured
        // every minute would otherwise cost more with each reading). Same order as the rules expect.
        Instant weightsFrom = now.minus(window).isBefore(now.minus(weightBack)) ? now.minus(window) : now.minus(weightBack);
        List<Measurement> measurements = sql.list("""
                SELECT * FROM (
                    SELECT r.* FROM unnest(?::text[]) AS t(type)
                     CROSS JOIN LATERAL (SELECT type, value, measured_at, site, received_at, seq FROM readings
                                          WHERE patient_id = ? AND type = t.type AND measured_at >= ?
                                          ORDER BY measured_at DESC, received_at DESC, seq DESC LIMIT 1) r
                    UNION ALL
                    SELECT type, value, measured_at, site, received_at, seq FROM readings
                     WHERE patient_id = ? AND type = 'weight' AND measured_at >= ?) m
                 ORDER BY measured_at, received_at, seq""",
                rs -> new Measurement(rs.getString("type"), rs.getDouble("value"), Sql.instant(rs, "measured_at"), rs.getString("site")),
                NEWEST_ONLY, patientId, now.minus(window), patientId, weightsFrom);
        return new PatientState(patientId, organisation, measurements, ThresholdSet.copdDefaults(scale2).with(overrides(sql, patientId, scale2)),
                policy(sql, organisation));
    }

    /** The newest change per type; a cleared one falls back to the programme default. */
    private static Map<String, Limits> overrides(Sql sql, UUID patientId, boolean scale2) {
        record Change(String type, Limits limits) {
        }
        ThresholdSet defaults = ThresholdSet.copdDefaults(scale2);
        Map<String, Limits> out = new HashMap<>();
        for (Change c : sql.list("""
                SELECT DISTINCT ON (type) type, red_high, yellow_high, yellow_low, red_low, cleared
                  FROM threshold_changes WHERE patient_id = ? ORDER BY type, id DESC""",
                rs -> new Change(rs.getString("type"), rs.getBoolean("cleared") ? null
                        : new Limits(Sql.nullableDouble(rs, "red_high"), Sql.nullableDouble(rs, "yellow_high"),
                        Sql.nullableDouble(rs, "yellow_low"), Sql.nullableDouble(rs, "red_low"))),
                patientId)) {
            if (c.limits() != null) {
                out.put(c.type(), c.limits());
            } else {
                defaults.limitsFor(c.type()).ifPresent(l -> out.put(c.type(), l));
            }
        }
        return out;
    }

    private static ResponsePolicy policy(Sql sql, String organisation) {
        return sql.one("SELECT name, yellow_from_total, red_from_total, red_on_single_three FROM response_policies WHERE organisation_id = ?",
                rs -> new ResponsePolicy(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getBoolean(4)), organisation)
                .orElse(ResponsePolicy.DEFAULT);
    }
}
