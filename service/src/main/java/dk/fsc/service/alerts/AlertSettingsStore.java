package dk.fsc.service.alerts;

import dk.fsc.service.alerts.AlertSettings.Level;
import dk.fsc.service.alerts.AlertSettings.Policy;
import dk.fsc.service.alerts.scoring.ResponsePolicy;
import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import jakarta.inject.Singleton;
import java.util.List;

/** An organisation's response policy and escalation chain, on the caller's transaction. */
@Singleton
class AlertSettingsStore {
    private final Database db;

    AlertSettingsStore(Database db) {
        this.db = db;
    }

    /** The organisation's policy, or the default when it has set none. */
    Policy policy(String organisation) {
        return db.sql().one("SELECT name, yellow_from_total, red_from_total, red_on_single_three FROM response_policies WHERE organisation_id = ?",
                        rs -> new Policy(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getBoolean(4)), organisation)
                .orElse(new Policy(ResponsePolicy.DEFAULT.name(), ResponsePolicy.DEFAULT.yellowFromTotal(),
                        ResponsePolicy.DEFAULT.redFromTotal(), ResponsePolicy.DEFAULT.redOnSingleThree()));
    }

    /** The policy in force, with who set it and when when it is the organisation's own. */
    AlertSettings.PolicyInForce policyInForce(String organisation) {
        return db.sql().one("""
                        SELECT name, yellow_from_total, red_from_total, red_on_single_three, updated_by, updated_at
                          FROM response_policies WHERE organisation_id = ?""",
                        rs -> new AlertSettings.PolicyInForce(new Policy(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getBoolean(4)),
                                new AlertSettings.Change(rs.getString(5), Sql.instant(rs, "updated_at"))), organisation)
                .orElse(new AlertSettings.PolicyInForce(policy(organisation), null));
    }

    void setPolicy(String organisation, Policy policy, String updatedBy) {
        db.sql().update("""
                INSERT INTO response_policies (organisation_id, name, yellow_from_total, red_from_total, red_on_single_three, updated_by)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (organisation_id) DO UPDATE SET name = excluded.name, yellow_from_total = excluded.yellow_from_total,
                       red_from_total = excluded.red_from_total, red_on_single_three = excluded.red_on_single_three,
                       updated_by = excluded.updated_by, updated_at = now()""",
                organisation, policy.name(), policy.yellowFromTotal(), policy.redFromTotal(), policy.redOnSingleThree(), updatedBy);
    }

    List<Level> chain(String organisation) {
        return db.sql().list("SELECT level, name, delay_minutes FROM escalation_levels WHERE organisation_id = ? ORDER BY level",
                rs -> new Level(rs.getInt(1), rs.getString(2), rs.getInt(3)), organisation);
    }

    /** Replaces the organisation's chain with these levels. */
    void replaceChain(String organisation, List<Level> levels) {
        Sql sql = db.sql();
        sql.update("DELETE FROM escalation_levels WHERE organisation_id = ?", organisation);
        for (Level l : levels) {
            sql.update("INSERT INTO escalation_levels (organisation_id, level, name, delay_minutes) VALUES (?, ?, ?, ?)",
                    organisation, l.level(), l.name(), l.delayMinutes());
        }
    }
}
