package dk.fsc.service.alerts;

import dk.fsc.service.alerts.scoring.ResponsePolicy;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * The caller's own organisation's alert settings: its TOBS response policy and its escalation
 * chain. Read by its nurses and clinicians, changed by its organisation administrator.
 */
@Controller("/api/organisation")
@Secured({StaffUser.Role.ORG_ADMIN, StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class OrganisationAlertSettingsController {
    private final DataSource dataSource;

    OrganisationAlertSettingsController(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A response policy; {@code name} is stored on every alert raised under it, so name each version. */
    @Serdeable
    record Policy(@NotBlank @Size(max = 60) String name, @Min(1) @Max(15) int yellowFromTotal, @Min(1) @Max(15) int redFromTotal,
                  boolean redOnSingleThree) {
    }

    @Serdeable
    record Level(@Min(1) @Max(20) int level, @NotBlank @Size(max = 200) String name, @Min(1) @Max(1440) int delayMinutes) {
    }

    @Serdeable
    record Chain(@NotNull @Size(max = 20) List<@Valid Level> levels) {
    }

    @Get("/response-policy")
    @Transactional(readOnly = true)
    Policy policy(Authentication auth) throws SQLException {
        return sql().one("SELECT name, yellow_from_total, red_from_total, red_on_single_three FROM response_policies WHERE organisation_id = ?",
                        rs -> new Policy(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getBoolean(4)), StaffUser.of(auth).organisationId())
                .orElse(new Policy(ResponsePolicy.DEFAULT.name(), ResponsePolicy.DEFAULT.yellowFromTotal(),
                        ResponsePolicy.DEFAULT.redFromTotal(), ResponsePolicy.DEFAULT.redOnSingleThree()));
    }

    @Put("/response-policy")
    @Secured(StaffUser.Role.ORG_ADMIN)
    @Transactional
    Policy setPolicy(@Valid @Body Policy policy, Authentication auth) throws SQLException {
        try {
            new ResponsePolicy(policy.name(), policy.yellowFromTotal(), policy.redFromTotal(), policy.redOnSingleThree());
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
        StaffUser user = StaffUser.of(auth);
        sql().update("""
                INSERT INTO response_policies (organisation_id, name, yellow_from_total, red_from_total, red_on_single_three, updated_by)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (organisation_id) DO UPDATE SET name = excluded.name, yellow_from_total = excluded.yellow_from_total,
                       red_from_total = excluded.red_from_total, red_on_single_three = excluded.red_on_single_three,
                       updated_by = excluded.updated_by, updated_at = now()""",
                user.organisationId(), policy.name(), policy.yellowFromTotal(), policy.redFromTotal(), policy.redOnSingleThree(),
                user.username());
        return policy;
    }

    @Get("/escalation-chain")
    @Transactional(readOnly = true)
    Chain chain(Authentication auth) throws SQLException {
        return new Chain(sql().list("SELECT level, name, delay_minutes FROM escalation_levels WHERE organisation_id = ? ORDER BY level",
                rs -> new Level(rs.getInt(1), rs.getString(2), rs.getInt(3)), StaffUser.of(auth).organisationId()));
    }

    /** Replaces the chain; levels must be 1, 2, 3, ... in order. Running timers keep their time. */
    @Put("/escalation-chain")
    @Secured(StaffUser.Role.ORG_ADMIN)
    @Transactional
    Chain setChain(@Valid @Body Chain chain, Authentication auth) throws SQLException {
        for (int i = 0; i < chain.levels().size(); i++) {
            if (chain.levels().get(i).level() != i + 1) {
                throw Refusal.invalid("levels must be numbered 1, 2, 3, ... in order");
            }
        }
        String organisation = StaffUser.of(auth).organisationId();
        Sql sql = sql();
        sql.update("DELETE FROM escalation_levels WHERE organisation_id = ?", organisation);
        for (Level l : chain.levels()) {
            sql.update("INSERT INTO escalation_levels (organisation_id, level, name, delay_minutes) VALUES (?, ?, ?, ?)",
                    organisation, l.level(), l.name(), l.delayMinutes());
        }
        return chain;
    }

    private Sql sql() throws SQLException {
        return Sql.on(dataSource.getConnection());
    }
}
