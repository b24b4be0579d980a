package dk.fsc.service.logistics;

import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A device's moves outside a loan (cleaning, repair, back to ready, lost) and the history of
 * all its moves. Loan moves are made by {@code /api/loans}, retirement by
 * {@code POST /api/devices/{id}/retire}.
 */
@Controller("/api/devices/{id}/transitions")
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
class DeviceTransitionsController {
    private final DataSource dataSource;
    private final DeviceStates states;

    DeviceTransitionsController(DataSource dataSource, DeviceStates states) {
        this.dataSource = dataSource;
        this.states = states;
    }

    @Serdeable
    record Move(@Nullable String to, @Nullable String reason) {
    }

    @Serdeable
    record Transition(long id, @Nullable String from, String to, Instant at, String username, String organisationId, String reason,
                      @Nullable UUID loanId) {
    }

    @Post
    @Transactional
    Transition move(@PathVariable String id, @Body Move body, Authentication auth) throws SQLException {
        if (body.to() == null || body.reason() == null || body.reason().isBlank()) {
            throw Refusal.invalid("to (the new state) and reason are required");
        }
        DeviceState to = DeviceState.of(body.to()).orElseThrow(() -> Refusal.invalid("to must be one of "
                + java.util.Arrays.toString(DeviceState.values())));
        if (DeviceState.LOAN_STATES.contains(to)) {
            throw Refusal.invalid(to + " is set by the loan endpoints (/api/loans), so the loan and the device agree.");
        }
        if (to == DeviceState.retired) {
            throw Refusal.invalid("retire with POST /api/devices/" + id + "/retire: it also revokes the device's MQTT account.");
        }
        Sql sql = Sql.on(dataSource.getConnection());
        DeviceState from = states.lock(sql, id);
        if (DeviceState.LOAN_STATES.contains(from)) {
            throw Refusal.conflict("Device " + id + " is " + from
                    + " on a loan; end or cancel the loan (/api/loans) first.");
        }
        states.move(sql, id, from, to, StaffUser.of(auth), body.reason().strip(), null);
        List<Transition> history = history(sql, id);
        return history.get(history.size() - 1);
    }

    @Get
    @Transactional(readOnly = true)
    List<Transition> list(@PathVariable String id) throws SQLException {
        Sql sql = Sql.on(dataSource.getConnection());
        if (sql.one("SELECT 1 FROM devices WHERE id = ?", rs -> 1, id).isEmpty()) {
            throw Refusal.notFound("No device " + id + " is registered.");
        }
        return history(sql, id);
    }

    private static List<Transition> history(Sql sql, String id) {
        return sql.list("""
                SELECT id, from_state, to_state, at, username, organisation_id, reason, loan_id FROM device_transitions
                 WHERE device_id = ? ORDER BY id""", rs -> new Transition(rs.getLong(1), rs.getString(2), rs.getString(3),
                Sql.instant(rs, "at"), rs.getString(5), rs.getString(6), rs.getString(7), rs.getObject(8, UUID.class)), id);
    }
}
