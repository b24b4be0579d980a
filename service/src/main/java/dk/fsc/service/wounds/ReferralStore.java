package dk.fsc.service.wounds;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.wounds.WoundViews.Assessment;
import dk.fsc.service.wounds.WoundViews.Clinic;
import dk.fsc.service.wounds.WoundViews.Referral;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Referrals of wounds to hospital wound clinics and their assessments, in the caller's transaction. */
@Singleton
public class ReferralStore {
    /** How long before the answer is due its clock warns. */
    public static final Duration WARN_BEFORE = Duration.ofHours(2);
    private static final String SELECT = """
            SELECT r.*, o.name AS clinic_name FROM wound_referrals r JOIN organisations o ON o.id = r.clinic_id
            """;
    private final Database db;

    ReferralStore(Database db) {
        this.db = db;
    }

    /** The wound's referrals, newest first, with their assessments. */
    public List<Referral> forWound(UUID woundId) {
        return list(" WHERE r.wound_id = ? ORDER BY r.referred_at DESC", woundId);
    }

    public Optional<Referral> find(UUID referralId) {
        return list(" WHERE r.id = ?", referralId).stream().findFirst();
    }

    /** The referral an assessment answered. */
    public Optional<UUID> ofAssessment(long assessmentId) {
        return db.sql().one("SELECT referral_id FROM wound_assessments WHERE id = ?", rs -> rs.getObject(1, UUID.class), assessmentId);
    }

    /** A clinic's referrals not closed: those waiting for an answer first, the one due soonest first. */
    public List<Referral> forClinic(String clinicId) {
        return list(" WHERE r.clinic_id = ? AND r.status <> 'closed' ORDER BY r.status <> 'open', r.answer_due", clinicId);
    }

    /** The referral not closed of each of these wounds that has one (at most one each), by wound. */
    Map<UUID, Referral> openOf(List<UUID> woundIds) {
        if (woundIds.isEmpty()) {
            return Map.of();
        }
        Map<UUID, Referral> open = new HashMap<>();
        list(" WHERE r.wound_id = ANY(?) AND r.status <> 'closed'", db.sql().array("uuid", woundIds.toArray()))
                .forEach(r -> open.put(r.woundId(), r));
        return open;
    }

    /** An organisation's referrals not closed (what its nurses sent). */
    public List<Referral> fromOrganisation(String organisationId) {
        return list(" WHERE r.referring_organisation_id = ? AND r.status <> 'closed' ORDER BY r.referred_at DESC", organisationId);
    }

    /** Hospitals with at least one active wound specialist: where a wound can be referred. */
    public List<Clinic> clinics() {
        return db.sql().list("""
                SELECT o.id, o.name FROM organisations o
                 WHERE o.kind = 'hospital'
                   AND EXISTS (SELECT 1 FROM staff_users s WHERE s.organisation_id = o.id AND s.role = 'wound_specialist' AND s.active)
                 ORDER BY o.name""", rs -> new Clinic(rs.getString(1), rs.getString(2)));
    }

    public Referral create(WoundStore.Owner wound, String clinicId, String question, String by, Instant now) {
        if (clinics().stream().noneMatch(c -> c.id().equals(clinicId))) {
            throw Refusal.invalid("clinicId " + clinicId + " is not a hospital wound clinic: GET /api/wound-clinics lists them");
        }
        if (db.sql().one("SELECT 1 FROM wound_referrals WHERE wound_id = ? AND status <> 'closed'", rs -> 1, wound.woundId()).isPresent()) {
            throw Refusal.conflict("The wound is already referred; close that referral first, or ask the clinic again on it");
        }
        // Two nurses referring the same wound at once: the second finds the first's referral by the index (409, not 500).
        UUID id = db.sql().one("""
                INSERT INTO wound_referrals (wound_id, patient_id, referring_organisation_id, clinic_id, question, referred_by, referred_at,
                                             answer_due)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id""", rs -> rs.getObject(1, UUID.class), wound.woundId(),
                wound.patientId(), wound.organisationId(), clinicId, question, by, now, dk.fsc.service.tickets.SlaCalendar.endOfNextWorkingDay(now))
                .orElseThrow(() -> Refusal.conflict("The wound was referred by someone else just now; close that referral first, or ask the clinic again on it"));
        return find(id).orElseThrow();
    }

    /**
     * The nurse asks again on an answered referral (a new photo to assess): a new answer is due by
     * the next working day, and the earlier answer no longer stops the clock.
     *
     * @throws Refusal conflict when the referral is no longer answered (asked again or closed meanwhile)
     */
    public Referral askAgain(UUID referralId, String question, Instant now) {
        if (db.sql().update("""
                UPDATE wound_referrals SET status = 'open', question = ?, answer_due = ?, answered_at = NULL, warned_at = NULL, breached_at = NULL
                 WHERE id = ? AND status = 'answered'""", question, dk.fsc.service.tickets.SlaCalendar.endOfNextWorkingDay(now), referralId) == 0) {
            throw Refusal.conflict("The referral was asked again or closed meanwhile; open it again to see how it stands.");
        }
        return find(referralId).orElseThrow();
    }

    /**
     * Stores the answer of a referral that is waiting for one. The referral's row is moved to
     * {@code answered} first, and only from {@code open}: of two answers at once (a double click)
     * the second waits for the first and finds it answered, and an answer made on a page read
     * before the nurse closed the referral (or the citizen withdrew consent) finds it closed.
     * Checked on a copy read earlier (until 2026-12-05), both stored a second answer, and the
     * latter turned a closed referral back into an answered one.
     *
     * @throws Refusal conflict when the referral is no longer waiting for an answer
     */
    public Assessment assess(UUID referralId, String specialist, String assessment, @Nullable String classification, String treatmentPlan,
                             @Nullable LocalDate nextPhotoDue) {
        Instant answeredAt = db.sql().one("""
                UPDATE wound_referrals SET status = 'answered', answered_at = now() WHERE id = ? AND status = 'open' RETURNING answered_at""",
                rs -> Sql.instant(rs, "answered_at"), referralId)
                .orElseThrow(() -> Refusal.conflict("The referral was answered or closed meanwhile; open it again to see how it stands."));
        return db.sql().one("""
                INSERT INTO wound_assessments (referral_id, specialist, assessed_at, assessment, classification, treatment_plan, next_photo_due)
                VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *""", ReferralStore::assessment, referralId, specialist, answeredAt, assessment, classification,
                treatmentPlan, nextPhotoDue).orElseThrow();
    }

    public void close(UUID referralId, String by, String reason) {
        db.sql().update("""
                UPDATE wound_referrals SET status = 'closed', closed_at = now(), closed_by = ?, close_reason = ?
                 WHERE id = ? AND status <> 'closed'""", by, reason, referralId);
    }

    /** Closes every referral of the citizen not closed yet (consent withdrawn); answers how many. */
    int closeAllOf(UUID patientId, String by, String reason) {
        return db.sql().update("""
                UPDATE wound_referrals SET status = 'closed', closed_at = now(), closed_by = ?, close_reason = ?
                 WHERE patient_id = ? AND status <> 'closed'""", by, reason, patientId);
    }

    /** Referrals waiting for an answer, by their clock: how many are {@code warning} and how many {@code breached} now. */
    long[] waitingLate(Instant now) {
        return db.sql().one("""
                SELECT count(*) FILTER (WHERE answer_due > ? AND answer_due <= ?), count(*) FILTER (WHERE answer_due <= ?)
                  FROM wound_referrals WHERE status = 'open'""", rs -> new long[] {rs.getLong(1), rs.getLong(2)},
                now, now.plus(WARN_BEFORE), now).orElseThrow();
    }

    /** Open referrals whose answer is due within {@link #WARN_BEFORE} and not yet warned: marked warned, and returned. */
    List<Referral> warnDue(Instant now) {
        List<UUID> ids = db.sql().list("""
                UPDATE wound_referrals SET warned_at = ? WHERE status = 'open' AND warned_at IS NULL AND answer_due <= ?
                RETURNING id""", rs -> rs.getObject(1, UUID.class), now, now.plus(WARN_BEFORE));
        return ids.stream().map(id -> find(id).orElseThrow()).toList();
    }

    /** Open referrals past their due moment, not yet marked: marked breached, and returned. */
    List<Referral> breachDue(Instant now) {
        List<UUID> ids = db.sql().list("""
                UPDATE wound_referrals SET breached_at = ? WHERE status = 'open' AND breached_at IS NULL AND answer_due <= ?
                RETURNING id""", rs -> rs.getObject(1, UUID.class), now, now);
        return ids.stream().map(id -> find(id).orElseThrow()).toList();
    }

    /** The referrals a condition picks, in its order, each with its assessments (newest first): two queries however many. */
    private List<Referral> list(String condition, Object... params) {
        List<Row> rows = db.sql().list(SELECT + condition, ReferralStore::row, params);
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<UUID, List<Assessment>> assessments = new HashMap<>();
        db.sql().list("SELECT * FROM wound_assessments WHERE referral_id = ANY(?) ORDER BY assessed_at DESC", rs -> {
            assessments.computeIfAbsent(rs.getObject("referral_id", UUID.class), k -> new ArrayList<>()).add(assessment(rs));
            return null;
        }, db.sql().array("uuid", rows.stream().map(Row::id).toArray()));
        Instant now = Instant.now();
        return rows.stream().map(r -> r.referral(assessments.getOrDefault(r.id(), List.of()), now)).toList();
    }

    /** A referral's row, before its assessments are read. */
    private record Row(UUID id, UUID woundId, UUID patientId, String clinicId, String clinicName, String referringOrganisationId,
                       String question, String referredBy, Instant referredAt, Instant due, String status, @Nullable Instant answeredAt,
                       @Nullable Instant closedAt, @Nullable String closeReason) {

        Referral referral(List<Assessment> assessments, Instant now) {
            return new Referral(id, woundId, patientId, clinicId, clinicName, referringOrganisationId, question, referredBy, referredAt, due,
                    status, clock(status, due, answeredAt, now), closedAt, closeReason, assessments);
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getObject("id", UUID.class), rs.getObject("wound_id", UUID.class), rs.getObject("patient_id", UUID.class),
                rs.getString("clinic_id"), rs.getString("clinic_name"), rs.getString("referring_organisation_id"), rs.getString("question"),
                rs.getString("referred_by"), Sql.instant(rs, "referred_at"), Sql.instant(rs, "answer_due"), rs.getString("status"),
                rs.getObject("answered_at") == null ? null : Sql.instant(rs, "answered_at"),
                rs.getObject("closed_at") == null ? null : Sql.instant(rs, "closed_at"), rs.getString("close_reason"));
    }

    /**
     * The answer's clock (docs/wounds.md): running, warning, breached while waiting; met or late once
     * answered; stopped when closed without an answer to the question standing.
     *
     * @param answeredAt when the question standing was answered (an answer to an earlier one, before
     *                   the nurse asked again, does not count)
     */
    static String clock(String status, Instant due, @Nullable Instant answeredAt, Instant now) {
        if (!status.equals("open")) {
            return answeredAt == null ? "stopped" : answeredAt.isAfter(due) ? "late" : "met";
        }
        if (!now.isBefore(due)) {
            return "breached";
        }
        return now.isAfter(due.minus(WARN_BEFORE)) ? "warning" : "running";
    }

    private static Assessment assessment(ResultSet rs) throws SQLException {
        return new Assessment(rs.getLong("id"), rs.getString("specialist"), Sql.instant(rs, "assessed_at"), rs.getString("assessment"),
                rs.getString("classification"), rs.getString("treatment_plan"), rs.getObject("next_photo_due", LocalDate.class));
    }
}
