package dk.fsc.service.alerts;

import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.database.Sql;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Alerts and their history, on the caller's transaction. Every change writes an
 * {@code alert_events} row; those rows are written under one transaction-scoped advisory lock, so
 * their ids become visible in increasing order and the feed can resume from any id without gaps.
 */
@Singleton
public class AlertStore {
    private static final long EVENT_ORDER_LOCK = 0x46534341L; // "FSCA"
    private final AlertsConfig config;

    AlertStore(AlertsConfig config) {
        this.config = config;
    }

    /** An unresolved alert as far as raising is concerned. */
    private record Open(long id, Severity severity, String summary) {
    }

    /**
     * Opens an alert for the finding, or updates the patient's unresolved alert of its kind: a
     * worse severity is an escalation ({@code worsened}), a changed text an {@code updated}.
     * Evidence no newer than the last resolution of this kind raises nothing new.
     */
    public void raise(Sql sql, Finding f, Instant now) {
        Optional<Open> open = unresolved(sql, f.patientId(), f.kind());
        if (open.isEmpty()) {
            Optional<Instant> lastResolved = sql.one("SELECT max(resolved_at) AS t FROM alerts WHERE patient_id = ? AND kind = ? AND status = 'resolved'",
                    rs -> Sql.instant(rs, "t"), f.patientId(), f.kind());
            if (lastResolved.isPresent() && lastResolved.get() != null && !f.evidenceAt().isAfter(lastResolved.get())) {
                return;
            }
            Optional<Long> id = sql.one("""
                    INSERT INTO alerts (patient_id, organisation_id, kind, severity, summary, details, policy, opened_at, updated_at, escalate_at)
                    VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?)
                    ON CONFLICT (patient_id, kind) WHERE status <> 'resolved' DO NOTHING
                    RETURNING id""", rs -> rs.getLong(1), f.patientId(), f.organisationId(), f.kind(), f.severity().db(),
                    f.summary(), f.details(), f.policy(), now, now, f.severity() == Severity.RED ? firstEscalation(sql, f.organisationId(), now) : null);
            if (id.isPresent()) {
                event(sql, id.get(), f.organisationId(), "opened", "system", f.severity(), f.summary());
                return;
            }
            open = unresolved(sql, f.patientId(), f.kind()); // another worker opened it just now
        }
        Open current = open.orElseThrow();
        if (f.severity().worseThan(current.severity())) {
            // Worse news re-opens an acknowledged alert: it needs someone's attention again.
            sql.update("""
                    UPDATE alerts SET severity = ?, summary = ?, details = CAST(? AS jsonb), policy = ?, updated_at = ?,
                           status = 'open', escalation_level = 0,
                           escalate_at = CASE WHEN ? = 'red' THEN CAST(? AS timestamptz) ELSE NULL END
                     WHERE id = ?""", f.severity().db(), f.summary(), f.details(), f.policy(), now, f.severity().db(),
                    firstEscalation(sql, f.organisationId(), now), current.id());
            event(sql, current.id(), f.organisationId(), "worsened", "system", f.severity(),
                    current.severity().db() + " → " + f.severity().db() + ": " + f.summary());
        } else if (!f.summary().equals(current.summary()) && f.severity() == current.severity()) {
            sql.update("UPDATE alerts SET summary = ?, details = CAST(? AS jsonb), updated_at = ? WHERE id = ?",
                    f.summary(), f.details(), now, current.id());
            event(sql, current.id(), f.organisationId(), "updated", "system", current.severity(), f.summary());
        }
    }

    private Optional<Open> unresolved(Sql sql, UUID patient, String kind) {
        return sql.one("SELECT id, severity, summary FROM alerts WHERE patient_id = ? AND kind = ? AND status <> 'resolved' FOR UPDATE",
                rs -> new Open(rs.getLong("id"), Severity.of(rs.getString("severity")), rs.getString("summary")), patient, kind);
    }

    /** A staff action on an alert of the caller's organisation; answers 404 for any other alert. */
    public void acknowledge(Sql sql, long id, String organisation, String actor, String note) {
        Severity severity = lockForAction(sql, id, organisation, "open");
        sql.update("UPDATE alerts SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = ?, escalate_at = NULL, updated_at = now() WHERE id = ?",
                actor, id);
        event(sql, id, organisation, "acknowledged", actor, severity, note);
    }

    public void resolve(Sql sql, long id, String organisation, String actor, String outcome) {
        Severity severity = lockForAction(sql, id, organisation, null);
        sql.update("UPDATE alerts SET status = 'resolved', resolved_at = now(), resolved_by = ?, outcome = ?, escalate_at = NULL,"
                + " acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, ?), updated_at = now() WHERE id = ?",
                actor, outcome, actor, id);
        event(sql, id, organisation, "resolved", actor, severity, outcome);
    }

    public void assign(Sql sql, long id, String organisation, String actor, String assignee) {
        Severity severity = lockForAction(sql, id, organisation, null);
        sql.update("UPDATE alerts SET assignee = ?, updated_at = now() WHERE id = ?", assignee, id);
        event(sql, id, organisation, "assigned", actor, severity, assignee);
    }

    public void comment(Sql sql, long id, String organisation, String actor, String text) {
        Severity severity = lockForAction(sql, id, organisation, null);
        sql.update("UPDATE alerts SET updated_at = now() WHERE id = ?", id);
        event(sql, id, organisation, "commented", actor, severity, text);
    }

    /**
     * Locks the alert and checks it belongs to the organisation and is in a state that allows
     * the action ({@code requiredStatus}, or any unresolved state when null).
     */
    private Severity lockForAction(Sql sql, long id, String organisation, String requiredStatus) {
        record State(String status, Severity severity) {
        }
        State state = sql.one("SELECT status, severity FROM alerts WHERE id = ? AND organisation_id = ? FOR UPDATE",
                        rs -> new State(rs.getString("status"), Severity.of(rs.getString("severity"))), id, organisation)
                .orElseThrow(() -> Refusal.notFound("No alert " + id + " for your organisation."));
        if (state.status().equals("resolved")) {
            throw Refusal.conflict("Alert " + id + " is already resolved.");
        }
        if (requiredStatus != null && !state.status().equals(requiredStatus)) {
            throw Refusal.conflict("Alert " + id + " is " + state.status() + ", not " + requiredStatus + ".");
        }
        return state.severity();
    }

    /** Escalates red alerts nobody acknowledged in time, one level each, and sets the next timer. */
    public int escalateDue(Sql sql, Instant now) {
        record Due(long id, String organisation, int level) {
        }
        var due = sql.list("""
                SELECT id, organisation_id, escalation_level FROM alerts
                 WHERE status = 'open' AND escalate_at IS NOT NULL AND escalate_at <= ?
                 ORDER BY escalate_at LIMIT 100 FOR UPDATE SKIP LOCKED""",
                rs -> new Due(rs.getLong(1), rs.getString(2), rs.getInt(3)), now);
        for (Due d : due) {
            int level = d.level() + 1;
            Level target = level(sql, d.organisation(), level);
            Level next = level(sql, d.organisation(), level + 1);
            sql.update("UPDATE alerts SET escalation_level = ?, escalate_at = ?, updated_at = ? WHERE id = ?",
                    level, now.plus(next.delay()), now, d.id());
            event(sql, d.id(), d.organisation(), "escalated", "system", Severity.RED,
                    "not acknowledged: escalated to level " + level + " (" + target.name() + ")");
        }
        return due.size();
    }

    private record Level(String name, Duration delay) {
    }

    /** The configured level, or the last configured one past the end, or the default chain. */
    private Level level(Sql sql, String organisation, int level) {
        return sql.one("""
                SELECT name, delay_minutes FROM escalation_levels WHERE organisation_id = ? AND level <= ?
                 ORDER BY level DESC LIMIT 1""", rs -> new Level(rs.getString(1), Duration.ofMinutes(rs.getInt(2))), organisation, level)
                .orElse(new Level("acute team, level " + level, config.getRedEscalationDelay()));
    }

    private Instant firstEscalation(Sql sql, String organisation, Instant now) {
        return now.plus(level(sql, organisation, 1).delay());
    }

    private static void event(Sql sql, long alertId, String organisation, String type, String actor, Severity severity, String note) {
        sql.one("SELECT pg_advisory_xact_lock(?)", rs -> 1, EVENT_ORDER_LOCK);
        sql.update("INSERT INTO alert_events (alert_id, organisation_id, type, actor, severity, note) VALUES (?, ?, ?, ?, ?, ?)",
                alertId, organisation, type, actor, severity.db(), note);
    }
}
