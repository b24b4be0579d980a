package dk.fsc.service.alerts;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Refusal;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Alerts and their history, on the caller's transaction; the feed's reads on connections of their
 * own. Every change writes an {@code alert_events} row; those rows are written under one
 * transaction-scoped advisory lock, so their ids become visible in increasing order and the feed
 * can resume from any id without gaps. Which status changes are allowed is {@link AlertStatus}'s rule.
 */
@Singleton
public class AlertStore {
    static final long EVENT_ORDER_LOCK = 0x46534341L; // "FSCA"
    private static final String SELECT = """
            SELECT a.*, p.display_name, mp.paused_until FROM alerts a JOIN patients p ON p.id = a.patient_id
              LEFT JOIN LATERAL (SELECT max(ends_at) AS paused_until FROM monitoring_pauses
                                  WHERE patient_id = a.patient_id AND starts_at <= now() AND ends_at > now()) mp ON true
             WHERE a.organisation_id = ?""";
    private static final String EVENTS = "SELECT " + AlertEventView.COLUMNS + ", e.organisation_id"
            + " FROM alert_events e JOIN alerts a ON a.id = e.alert_id";
    private final Database db;
    private final AlertsConfig config;
    private final JsonMapper json;
    private final Timer eventLockWait;

    AlertStore(Database db, AlertsConfig config, JsonMapper json, MeterRegistry registry) {
        this.db = db;
        this.config = config;
        this.json = json;
        // The lock is held to the commit, so a transaction that writes events waits for the one before it.
        this.eventLockWait = Timer.builder("fsc.alert.event.lock.wait").description("Waiting for the alert events' order lock")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry);
    }

    /** The organisation's alerts in the given statuses: worst severity first, then the longest waiting; {@code limit} from {@code offset}. */
    public List<AlertView> worklist(String organisation, Set<AlertStatus> statuses, int limit, int offset) {
        Sql sql = db.sql();
        return sql.list(SELECT + " AND a.status = ANY (?)\n" + """
                 ORDER BY CASE a.severity WHEN 'red' THEN 3 WHEN 'yellow' THEN 2 ELSE 1 END DESC, a.opened_at, a.id
                 LIMIT ? OFFSET ?""", rs -> view(rs, null), organisation, sql.array("text", statuses.stream().map(AlertStatus::name).toArray()),
                limit, offset);
    }

    /** One alert of the organisation with its history, oldest event first; 404 for any other alert. */
    public AlertView alertWithEvents(String organisation, long id) {
        Sql sql = db.sql();
        List<AlertEventView> events = sql.list(EVENTS + " WHERE e.alert_id = ? AND a.organisation_id = ? ORDER BY e.id",
                AlertEventView::from, id, organisation);
        return sql.one(SELECT + " AND a.id = ?", rs -> view(rs, events), organisation, id)
                .orElseThrow(() -> Refusal.notFound("No alert " + id + " for your organisation."));
    }

    /**
     * A patient's alerts in the organisation, newest first, at most {@code limit}, each with its
     * history (oldest event first); none for a patient of another organisation.
     */
    public List<AlertView> patientAlerts(String organisation, UUID patientId, int limit) {
        Sql sql = db.sql();
        List<AlertView> alerts = sql.list(SELECT + " AND a.patient_id = ? ORDER BY a.opened_at DESC, a.id DESC LIMIT ?",
                rs -> view(rs, List.of()), organisation, patientId, limit);
        if (alerts.isEmpty()) {
            return alerts;
        }
        Map<Long, List<AlertEventView>> events = sql.list(EVENTS + " WHERE e.alert_id = ANY (?) AND a.organisation_id = ? ORDER BY e.id",
                        AlertEventView::from, sql.array("bigint", alerts.stream().map(AlertView::id).toArray()), organisation)
                .stream().collect(Collectors.groupingBy(AlertEventView::alertId));
        return alerts.stream().map(a -> withEvents(a, events.getOrDefault(a.id(), List.of()))).toList();
    }

    private static AlertView withEvents(AlertView a, List<AlertEventView> events) {
        return new AlertView(a.id(), a.patientId(), a.patientName(), a.kind(), a.severity(), a.status(), a.summary(), a.details(),
                a.policy(), a.assignee(), a.openedAt(), a.updatedAt(), a.acknowledgedAt(), a.acknowledgedBy(), a.resolvedAt(),
                a.resolvedBy(), a.outcome(), a.escalationLevel(), a.escalateAt(), a.monitoringPausedUntil(), events);
    }

    /** One alert of the organisation as the worklist shows it (after an action on it). */
    public AlertView alert(String organisation, long id) {
        return db.sql().one(SELECT + " AND a.id = ?", rs -> view(rs, null), organisation, id)
                .orElseThrow(() -> Refusal.notFound("No alert " + id + " for your organisation."));
    }

    /** Which of these alerts of the organisation are red. */
    public List<Long> redAmong(Collection<Long> ids, String organisation) {
        Sql sql = db.sql();
        return sql.list("SELECT id FROM alerts WHERE id = ANY (?) AND organisation_id = ? AND severity = 'red'",
                rs -> rs.getLong(1), sql.array("bigint", ids.toArray()), organisation);
    }

    /** An alert event with the organisation it belongs to, as the feed reads them. */
    record EventRow(String organisation, AlertEventView event) {
    }

    /**
     * Up to {@code limit} events after id {@code after}, of one organisation or (null) all, in id
     * order; read on a connection of its own (the feed runs outside any transaction).
     */
    List<EventRow> eventsAfter(long after, @Nullable String organisation, int limit) {
        String query = EVENTS + " WHERE e.id > ?" + (organisation == null ? "" : " AND e.organisation_id = ?") + " ORDER BY e.id LIMIT " + limit;
        Object[] params = organisation == null ? new Object[] {after} : new Object[] {after, organisation};
        return db.withConnection(sql -> sql.list(query, rs -> new EventRow(rs.getString("organisation_id"), AlertEventView.from(rs)), params));
    }

    /** Whether the organisation has more than {@code limit} events after id {@code after} (counted up to limit + 1, by its index). */
    boolean eventsAfterMoreThan(long after, String organisation, int limit) {
        return db.withConnection(sql -> sql.one("""
                SELECT count(*) FROM (SELECT 1 FROM alert_events WHERE organisation_id = ? AND id > ? ORDER BY id LIMIT ?) e""",
                rs -> rs.getLong(1), organisation, after, limit + 1).orElse(0L)) > limit;
    }

    /**
     * The newest event id there is (0 when none), on a connection of its own. A page read after
     * it and streaming from it misses no change in between (the console's worklist).
     */
    public long lastEventId() {
        return db.withConnection(sql -> sql.one("SELECT coalesce(max(id), 0) FROM alert_events", rs -> rs.getLong(1)).orElse(0L));
    }

    private AlertView view(ResultSet rs, List<AlertEventView> events) throws SQLException {
        Map<String, Object> details;
        try {
            details = json.readValue(rs.getString("details"), Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            details = Map.of();
        }
        return new AlertView(rs.getLong("id"), rs.getObject("patient_id", UUID.class), rs.getString("display_name"),
                rs.getString("kind"), rs.getString("severity"), rs.getString("status"), rs.getString("summary"), details,
                rs.getString("policy"), rs.getString("assignee"), Sql.instant(rs, "opened_at"), Sql.instant(rs, "updated_at"),
                Sql.instant(rs, "acknowledged_at"), rs.getString("acknowledged_by"), Sql.instant(rs, "resolved_at"),
                rs.getString("resolved_by"), rs.getString("outcome"), rs.getInt("escalation_level"), Sql.instant(rs, "escalate_at"),
                Sql.instant(rs, "paused_until"), events);
    }

    /** An unresolved alert as far as raising is concerned. */
    private record Open(long id, AlertStatus status, Severity severity, String summary) {
    }

    /** {@link #raise(Sql, Finding, Instant)} on the caller's transaction. */
    public void raise(Finding f, Instant now) {
        raise(db.sql(), f, now);
    }

    /**
     * Opens an alert for the finding, or updates the patient's unresolved alert of its kind: a
     * worse severity is an escalation ({@code worsened}), a changed text an {@code updated}.
     * Evidence that reached the system no later than the last resolution of this kind raises
     * nothing new (the nurse resolved it knowing it); a device's backlog that arrives after the
     * resolution does, even when it was measured before it.
     */
    public void raise(Sql sql, Finding f, Instant now) {
        Optional<Open> open = unresolved(sql, f.patientId(), f.kind());
        if (open.isEmpty()) {
            // A nurse's resolution only: one by the system (late measurements filled the periods) knew nothing of what came after.
            Optional<Instant> lastResolved = sql.one("SELECT max(resolved_at) AS t FROM alerts WHERE patient_id = ? AND kind = ? AND status = 'resolved'"
                            + " AND resolved_by IS DISTINCT FROM 'system'",
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
            AlertStatus status = current.status().canMoveTo(AlertStatus.open) ? AlertStatus.open : current.status();
            sql.update("""
                    UPDATE alerts SET severity = ?, summary = ?, details = CAST(? AS jsonb), policy = ?, updated_at = ?,
                           status = ?, escalation_level = 0,
                           escalate_at = CASE WHEN ? = 'red' THEN CAST(? AS timestamptz) ELSE NULL END
                     WHERE id = ?""", f.severity().db(), f.summary(), f.details(), f.policy(), now, status.name(), f.severity().db(),
                    firstEscalation(sql, f.organisationId(), now), current.id());
            event(sql, current.id(), f.organisationId(), "worsened", "system", f.severity(),
                    current.severity().db() + " → " + f.severity().db() + ": " + f.summary());
        } else if (f.news() && !f.severity().worseThan(current.severity())) {
            // News (a specialist's new answer): the alert is shown as new again, acknowledged or not, with its text.
            AlertStatus status = current.status().canMoveTo(AlertStatus.open) ? AlertStatus.open : current.status();
            sql.update("UPDATE alerts SET summary = ?, details = CAST(? AS jsonb), updated_at = ?, status = ? WHERE id = ?",
                    f.summary(), f.details(), now, status.name(), current.id());
            event(sql, current.id(), f.organisationId(), "updated", "system", current.severity(), f.summary());
        } else if (!f.summary().equals(current.summary()) && f.severity() == current.severity()) {
            sql.update("UPDATE alerts SET summary = ?, details = CAST(? AS jsonb), updated_at = ? WHERE id = ?",
                    f.summary(), f.details(), now, current.id());
            event(sql, current.id(), f.organisationId(), "updated", "system", current.severity(), f.summary());
        }
    }

    private Optional<Open> unresolved(Sql sql, UUID patient, String kind) {
        return sql.one("SELECT id, status, severity, summary FROM alerts WHERE patient_id = ? AND kind = ? AND status <> 'resolved' FOR UPDATE",
                rs -> new Open(rs.getLong("id"), AlertStatus.of(rs.getString("status")), Severity.of(rs.getString("severity")),
                        rs.getString("summary")), patient, kind);
    }

    /** A staff action on an alert of the caller's organisation; answers 404 for any other alert. */
    public void acknowledge(long id, String organisation, String actor, String note) {
        acknowledge(id, organisation, actor, note, false);
    }

    /**
     * As {@link #acknowledge}, for one alert of a bulk acknowledgement: refused (409) when the
     * alert is red as it is locked. The caller checked the list for red ones before, but an
     * evaluation may have made one red since (its escalation timer set): that one must be opened,
     * not acknowledged unseen with its timer cleared.
     */
    public void acknowledgeUnlessRed(long id, String organisation, String actor, String note) {
        acknowledge(id, organisation, actor, note, true);
    }

    private void acknowledge(long id, String organisation, String actor, String note, boolean refuseRed) {
        Sql sql = db.sql();
        Severity severity = lockForAction(sql, id, organisation, AlertStatus.acknowledged);
        if (refuseRed && severity == Severity.RED) {
            throw Refusal.conflict("Alert " + id + " is red now: red alerts cannot be acknowledged in bulk. Open it.");
        }
        sql.update("UPDATE alerts SET status = ?, acknowledged_at = now(), acknowledged_by = ?, escalate_at = NULL, updated_at = now() WHERE id = ?",
                AlertStatus.acknowledged.name(), actor, id);
        insertEvent(sql, id, organisation, "acknowledged", actor, severity, note);
    }

    public void resolve(long id, String organisation, String actor, String outcome) {
        resolve(db.sql(), id, organisation, actor, outcome);
    }

    /**
     * Resolves the patient's open missing-measurement alert (on the caller's transaction) when no
     * period checked since it opened is missing any more: their measurements arrived late.
     */
    void resolveMissingMeasurementIfFilled(Sql sql, UUID patientId, MonitoringStore monitoring) {
        record Open(long id, String organisation, Instant openedAt) {
        }
        Optional<Open> open = sql.one("SELECT id, organisation_id, opened_at FROM alerts WHERE patient_id = ? AND kind = 'missing_measurement'"
                + " AND status <> 'resolved'", rs -> new Open(rs.getLong(1), rs.getString(2), Sql.instant(rs, "opened_at")), patientId);
        // The periods it was raised for: checked since it opened (its first in the same transaction, the opening moment the
        // job's clock, the check's the database's: a few minutes' leeway; the periods are a day apart at least).
        if (open.isPresent() && !monitoring.stillMissingSince(sql, patientId, open.get().openedAt().minus(Duration.ofMinutes(10)))) {
            resolve(sql, open.get().id(), open.get().organisation(), "system",
                    "Measurements arrived late: the period(s) this alert was raised for now have their measurements.");
        }
    }

    private void resolve(Sql sql, long id, String organisation, String actor, String outcome) {
        Severity severity = lockForAction(sql, id, organisation, AlertStatus.resolved);
        sql.update("UPDATE alerts SET status = ?, resolved_at = now(), resolved_by = ?, outcome = ?, escalate_at = NULL,"
                + " acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, ?), updated_at = now() WHERE id = ?",
                AlertStatus.resolved.name(), actor, outcome, actor, id);
        insertEvent(sql, id, organisation, "resolved", actor, severity, outcome);
    }

    public void assign(long id, String organisation, String actor, String assignee) {
        Sql sql = db.sql();
        Severity severity = lockForAction(sql, id, organisation, null);
        sql.update("UPDATE alerts SET assignee = ?, updated_at = now() WHERE id = ?", assignee, id);
        insertEvent(sql, id, organisation, "assigned", actor, severity, assignee);
    }

    public void comment(long id, String organisation, String actor, String text) {
        Sql sql = db.sql();
        Severity severity = lockForAction(sql, id, organisation, null);
        sql.update("UPDATE alerts SET updated_at = now() WHERE id = ?", id);
        insertEvent(sql, id, organisation, "commented", actor, severity, text);
    }

    /**
     * Locks the alert and checks it belongs to the organisation and that its status allows the
     * action: the move to {@code next}, or (null) any action that keeps the status. The events'
     * lock comes first ({@link #eventOrder}).
     */
    private Severity lockForAction(Sql sql, long id, String organisation, AlertStatus next) {
        eventOrder(sql);
        record State(AlertStatus status, Severity severity) {
        }
        State state = sql.one("SELECT status, severity FROM alerts WHERE id = ? AND organisation_id = ? FOR UPDATE",
                        rs -> new State(AlertStatus.of(rs.getString("status")), Severity.of(rs.getString("severity"))), id, organisation)
                .orElseThrow(() -> Refusal.notFound("No alert " + id + " for your organisation."));
        state.status().requireAction(id, next);
        return state.severity();
    }

    /**
     * Takes the lock under which alert events are numbered, held to the commit (so the feed never
     * skips an id), and records the wait (once per take). Staff actions and escalation
     * take it before they lock an alert row: an evaluation holds it while it locks the rows of
     * the next patient's alerts, so a nurse's action that held a row and then waited for it
     * deadlocked with the evaluation (found in review).
     */
    private void eventOrder(Sql sql) {
        long asked = System.nanoTime();
        sql.one("SELECT pg_advisory_xact_lock(?)", rs -> 1, EVENT_ORDER_LOCK);
        eventLockWait.record(System.nanoTime() - asked, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Escalates red alerts nobody acknowledged in time, one level each, and sets the next timer. */
    public int escalateDue(Instant now) {
        Sql sql = db.sql();
        record Due(long id, String organisation, int level) {
        }
        String dueAt = "status = 'open' AND escalate_at IS NOT NULL AND escalate_at <= ?";
        if (!sql.one("SELECT EXISTS (SELECT 1 FROM alerts WHERE " + dueAt + ")", rs -> rs.getBoolean(1), now).orElse(false)) {
            return 0; // the usual case: not even the events' lock is taken
        }
        eventOrder(sql);
        var due = sql.list("SELECT id, organisation_id, escalation_level FROM alerts WHERE " + dueAt
                        + " ORDER BY escalate_at LIMIT 100 FOR UPDATE SKIP LOCKED",
                rs -> new Due(rs.getLong(1), rs.getString(2), rs.getInt(3)), now);
        for (Due d : due) {
            int level = d.level() + 1;
            Level target = level(sql, d.organisation(), level);
            Level next = level(sql, d.organisation(), level + 1);
            sql.update("UPDATE alerts SET escalation_level = ?, escalate_at = ?, updated_at = ? WHERE id = ?",
                    level, now.plus(next.delay()), now, d.id());
            insertEvent(sql, d.id(), d.organisation(), "escalated", "system", Severity.RED,
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

    /** An event of an evaluation: the events' lock first ({@link #eventOrder}), then the event. */
    private void event(Sql sql, long alertId, String organisation, String type, String actor, Severity severity, String note) {
        eventOrder(sql);
        insertEvent(sql, alertId, organisation, type, actor, severity, note);
    }

    /** An event, in a transaction that holds the events' lock already (staff actions and escalation take it first). */
    private void insertEvent(Sql sql, long alertId, String organisation, String type, String actor, Severity severity, String note) {
        sql.update("INSERT INTO alert_events (alert_id, organisation_id, type, actor, severity, note) VALUES (?, ?, ?, ?, ?, ?)",
                alertId, organisation, type, actor, severity.db(), note);
    }
}
