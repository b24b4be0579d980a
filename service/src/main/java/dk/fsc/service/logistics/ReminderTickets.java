package dk.fsc.service.logistics;

import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.tickets.TicketStore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the reminders into work on the support desk: a loan past its due date, a device whose
 * calibration or cleaning is due, each opens one low-priority ticket (once per loan, or per device
 * and due date), owned by the organisation that has the device, else by FSC.
 */
@Singleton
class ReminderTickets {
    private static final Logger LOG = LoggerFactory.getLogger(ReminderTickets.class);
    private final DataSource dataSource;
    private final TicketStore tickets;

    ReminderTickets(DataSource dataSource, @Nullable DataSourceResolver resolver, TicketStore tickets) {
        this.dataSource = (resolver == null ? DataSourceResolver.DEFAULT : resolver).resolve(dataSource);
        this.tickets = tickets;
    }

    @Scheduled(fixedDelay = "${fsc.logistics.reminder-check:1h}", initialDelay = "2m")
    void check() {
        try {
            int opened = openTickets();
            if (opened > 0) {
                LOG.info("Opened {} reminder tickets (overdue loans, calibration or cleaning due)", opened);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Reminder check failed ({}); next try at the next interval", e.getMessage());
        }
    }

    private record Due(String key, String title, String organisation, @Nullable String device, @Nullable UUID loan, @Nullable UUID patient,
                       int impact) {
    }

    int openTickets() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            Sql sql = Sql.on(c);
            Optional<String> fsc = tickets.fscOrganisation(sql);
            List<Due> due = new java.util.ArrayList<>(sql.list("""
                    SELECT l.id, l.device_id, l.organisation_id, l.patient_id, l.due_on FROM loans l
                     WHERE l.status = 'active' AND l.due_on < current_date""",
                    rs -> new Due("loan-overdue:" + rs.getString(1), "Loan of " + rs.getString(2) + " overdue since "
                            + rs.getObject(5, LocalDate.class), rs.getString(3), rs.getString(2), rs.getObject(1, UUID.class),
                            rs.getObject(4, UUID.class), 2)));
            for (String[] kind : new String[][] {{"next_calibration_on", "calibration", "3"}, {"next_cleaning_on", "cleaning", "2"}}) {
                due.addAll(sql.list("SELECT d.id, d." + kind[0] + ", l.organisation_id FROM devices d"
                                + " LEFT JOIN loans l ON l.device_id = d.id AND l.status IN ('reserved', 'active')"
                                + " WHERE d.state NOT IN ('retired', 'lost') AND d." + kind[0] + " <= current_date",
                        rs -> new Due(kind[1] + ":" + rs.getString(1) + ":" + rs.getObject(2, LocalDate.class),
                                "Device " + rs.getString(1) + " " + kind[1] + " due " + rs.getObject(2, LocalDate.class),
                                rs.getString(3) != null ? rs.getString(3) : fsc.orElse(null), rs.getString(1), null, null,
                                Integer.parseInt(kind[2]))));
            }
            int opened = 0;
            for (Due d : due) {
                if (d.organisation() == null) {
                    continue; // not lent and no FSC organisation to own it
                }
                Long id = tickets.open(sql, new TicketStore.Opening(d.title(), null, 2, d.impact(), null, d.organisation(), d.device(),
                        d.loan(), d.patient(), "reminder", d.key(), false), "reminders");
                c.commit();
                if (id != null) {
                    opened++;
                }
            }
            c.commit();
            return opened;
        }
    }
}
