package dk.fsc.service.wounds;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.wounds.WoundViews.Consent;
import dk.fsc.service.wounds.WoundViews.Consents;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The citizen's consent to share wound photos and data with a hospital wound clinic: given (how,
 * by whom recorded) and withdrawn. Without one in force no referral is made; withdrawing it closes
 * every open referral of the citizen, which ends the clinics' access.
 */
@Singleton
public class ConsentStore {
    private final Database db;
    private final ReferralStore referrals;

    ConsentStore(Database db, ReferralStore referrals) {
        this.db = db;
        this.referrals = referrals;
    }

    public Consents consents(UUID patientId) {
        List<Consent> all = db.sql().list("SELECT * FROM wound_consents WHERE patient_id = ? ORDER BY given_at DESC, id DESC",
                ConsentStore::consent, patientId);
        return new Consents(all.stream().filter(c -> c.withdrawnAt() == null).findFirst().orElse(null), all);
    }

    public boolean inForce(UUID patientId) {
        return db.sql().one("SELECT 1 FROM wound_consents WHERE patient_id = ? AND withdrawn_at IS NULL", rs -> 1, patientId).isPresent();
    }

    public Consents give(UUID patientId, Instant givenAt, String how, @Nullable String note, String by) {
        if (inForce(patientId)) {
            throw Refusal.conflict("The citizen's consent is already recorded and in force");
        }
        // Recorded twice at once: the second finds the first by the index (409, not 500).
        if (db.sql().update("INSERT INTO wound_consents (patient_id, given_at, how, recorded_by, note) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                patientId, givenAt, how, by, note) == 0) {
            throw Refusal.conflict("The citizen's consent was recorded by someone else just now");
        }
        return consents(patientId);
    }

    /** Withdraws the consent in force and closes the citizen's open referrals; answers how many were closed. */
    public int withdraw(UUID patientId, String by) {
        int withdrawn = db.sql().update("UPDATE wound_consents SET withdrawn_at = now(), withdrawn_by = ? WHERE patient_id = ? AND withdrawn_at IS NULL",
                by, patientId);
        if (withdrawn == 0) {
            throw Refusal.conflict("The citizen has no consent in force to withdraw");
        }
        return referrals.closeAllOf(patientId, by, "consent withdrawn");
    }

    private static Consent consent(ResultSet rs) throws SQLException {
        return new Consent(rs.getLong("id"), rs.getString("scope"), Sql.instant(rs, "given_at"), rs.getString("how"), rs.getString("recorded_by"),
                Sql.instant(rs, "recorded_at"), rs.getObject("withdrawn_at") == null ? null : Sql.instant(rs, "withdrawn_at"),
                rs.getString("withdrawn_by"), rs.getString("note"));
    }
}
