package dk.fsc.service.devices;

import dk.fsc.service.logistics.LoanStore;
import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.tickets.TicketStore;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a support ticket by itself when a device has a problem (battery low, silent longer than
 * its patient's schedule allows, fault codes, its quarantine quota used up): one ticket per device
 * and problem while it is open, however many status messages repeat the problem (for the quota:
 * one per episode, which the gateway marks in quarantine_quota). The ticket belongs to the organisation
 * that has the device on loan (else to FSC) and links the loan and the patient.
 */
@Singleton
class DeviceHealthTickets {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceHealthTickets.class);
    /** Urgency and impact per problem: a fault stops measurements, silence may mean a problem at home, a battery warns. */
    private static final Map<String, int[]> URGENCY_IMPACT = Map.of(
            DeviceHealth.FAULT, new int[] {4, 3}, DeviceHealth.SILENT, new int[] {3, 3}, DeviceHealth.BATTERY_LOW, new int[] {2, 2},
            DeviceHealth.QUARANTINE_QUOTA, new int[] {3, 2});
    private final Database db;
    private final DeviceReader reader;
    private final LoanStore loans;
    private final TicketStore tickets;

    DeviceHealthTickets(Database db, DeviceReader reader, LoanStore loans, TicketStore tickets) {
        this.db = db;
        this.reader = reader;
        this.loans = loans;
        this.tickets = tickets;
    }

    @Scheduled(fixedDelay = "${fsc.tickets.device-check:5m}", initialDelay = "1m")
    void check() {
        try {
            int opened = openTickets();
            if (opened > 0) {
                LOG.info("Opened {} tickets for device problems", opened);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Device health check failed ({}); next try at the next interval", e.getMessage());
        }
    }

    /** Opens the tickets that are missing; answers how many. */
    int openTickets() throws SQLException {
        try (Connection c = db.ownConnection()) {
            c.setAutoCommit(false);
            Sql sql = Sql.on(c);
            Optional<String> fsc = tickets.fscOrganisation(sql);
            int opened = 0;
            for (DeviceView device : reader.unhealthy(sql, null)) {
                Optional<LoanStore.Current> loan = loans.current(sql, device.id());
                String organisation = device.loanOrganisation() != null ? device.loanOrganisation() : fsc.orElse(null);
                if (organisation == null) {
                    continue; // no loan and no FSC organisation to own it
                }
                for (String problem : device.problems()) {
                    String key = dedupeKey(device, problem);
                    if (problem.equals(DeviceHealth.QUARANTINE_QUOTA) && tickets.everOpened(sql, key)) {
                        continue; // one ticket per episode, even once it is solved
                    }
                    int[] ui = URGENCY_IMPACT.get(problem);
                    Long id = tickets.open(sql, new TicketStore.Opening(title(device, problem), null, ui[0], ui[1], null, organisation,
                            device.id(), loan.map(LoanStore.Current::id).orElse(null),
                            loan.map(LoanStore.Current::patientId).orElse(null), "device_health", key, false), "device-health");
                    c.commit(); // each ticket with its first event, on its own
                    if (id != null) {
                        opened++;
                    }
                }
            }
            c.commit();
            return opened;
        }
    }

    /** A problem opens one ticket while it is open; a quarantine quota episode one ticket in all. */
    private static String dedupeKey(DeviceView d, String problem) {
        String key = "device:" + d.id() + ":" + problem;
        return problem.equals(DeviceHealth.QUARANTINE_QUOTA) ? key + ":" + d.quarantineQuotaSince() : key;
    }

    private static String title(DeviceView d, String problem) {
        return switch (problem) {
            case DeviceHealth.QUARANTINE_QUOTA -> "Device " + d.id() + " over its quarantine quota since " + d.quarantineQuotaSince()
                    + " (" + d.quarantineDropped() + " rejected messages not kept in this window)";
            case DeviceHealth.FAULT -> "Device " + d.id() + " reports faults " + String.join(", ", d.faults());
            case DeviceHealth.SILENT -> "Device " + d.id() + " silent since " + d.silentSince();
            default -> "Device " + d.id() + " battery low (" + d.batteryPercent() + " %)";
        };
    }
}
