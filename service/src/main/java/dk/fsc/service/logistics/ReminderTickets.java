package dk.fsc.service.logistics;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.tickets.TicketStore;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
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
    private final Database db;
    private final InventoryStore inventory;
    private final TicketStore tickets;

    ReminderTickets(Database db, InventoryStore inventory, TicketStore tickets) {
        this.db = db;
        this.inventory = inventory;
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

    /** Opens the tickets that are missing, each committed on its own; answers how many. */
    int openTickets() throws SQLException {
        try (Connection c = db.ownConnection()) {
            c.setAutoCommit(false);
            Sql sql = Sql.on(c);
            String fsc = tickets.fscOrganisation(sql).orElse(null);
            int opened = 0;
            for (InventoryStore.Due d : inventory.dueForTickets(sql, fsc)) {
                if (d.organisation() == null) {
                    continue; // not lent and no FSC organisation to own it
                }
                if (tickets.everOpened(sql, d.key())) {
                    continue; // once per loan and per due date (docs/logistics.md): solved is not opened again the next hour
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
