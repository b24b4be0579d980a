package dk.fsc.service.simulator;

import dk.fsc.service.platform.security.CprCipher;
import dk.fsc.service.platform.security.PasswordHasher;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The citizens and devices the simulator plays: one organisation's patients, each with a kit of
 * home devices on loan. Written straight into the database (patients, devices, loans), as the
 * registration and loan endpoints would leave them; run again with the same organisation and size
 * it finds the fleet it made before.
 */
public final class SimulatedFleet {

    /** One simulated device: its id, catalogue type, the patient it is on loan to and that patient's number. */
    public record Device(String id, Kit.Type type, UUID patientId, int patientNumber) {
    }

    private final String organisation;
    private final List<Device> devices;

    private SimulatedFleet(String organisation, List<Device> devices) {
        this.organisation = organisation;
        this.devices = devices;
    }

    public String organisation() {
        return organisation;
    }

    public List<Device> devices() {
        return devices;
    }

    /**
     * Makes (or finds) {@code deviceCount} devices of the kit in {@code organisation}, which is
     * created as a municipality when missing. With a {@link CprCipher} the patients get
     * well-formed, encrypted made-up CPR numbers (the demo shows them); without one, random bytes
     * that decrypt to nothing (benchmarks never show a patient).
     */
    public static SimulatedFleet create(String jdbcUrl, String dbUser, String dbPassword, String organisation, Kit kit,
                                        int deviceCount, CprCipher cpr) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword)) {
            return create(c, organisation, kit, deviceCount, cpr);
        }
    }

    public static SimulatedFleet create(Connection c, String organisation, Kit kit, int deviceCount, CprCipher cpr) throws SQLException {
        c.setAutoCommit(false);
        String prefix = "SIM-" + organisation.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "") + "-";
        try (PreparedStatement org = c.prepareStatement("""
                INSERT INTO organisations (id, name, kind) VALUES (?, ?, 'municipality') ON CONFLICT (id) DO NOTHING""");
             PreparedStatement existing = c.prepareStatement("""
                     SELECT d.id, l.patient_id FROM devices d JOIN loans l ON l.device_id = d.id AND l.ends_at IS NULL
                      WHERE d.id = ?""");
             PreparedStatement patient = c.prepareStatement("""
                     INSERT INTO patients (id, organisation_id, display_name, cpr_encrypted, cpr_hash) VALUES (?, ?, ?, ?, ?)""");
             PreparedStatement device = c.prepareStatement("""
                     INSERT INTO devices (id, device_type, model, serial_number, state, mqtt_username, mqtt_password_hash)
                     VALUES (?, ?, 'Simulated', ?, 'on_loan', ?, ?)""");
             PreparedStatement loan = c.prepareStatement("""
                     INSERT INTO loans (device_id, patient_id, organisation_id, starts_at) VALUES (?, ?, ?, now() - interval '60 days')""")) {
            org.setString(1, organisation);
            org.setString(2, "Simulated " + organisation);
            org.executeUpdate();
            // Devices cannot log in with this: the simulator publishes on an account of its own.
            String unusablePassword = PasswordHasher.hash(PasswordHasher.randomSecret(24));
            SecureRandom random = new SecureRandom();
            List<Device> devices = new ArrayList<>(deviceCount);
            UUID patientId = null;
            for (int i = 0; i < deviceCount; i++) {
                int patientNumber = i / kit.types().size();
                Kit.Type type = kit.types().get(i % kit.types().size());
                String id = prefix + i;
                existing.setString(1, id);
                UUID found = null;
                try (ResultSet rs = existing.executeQuery()) {
                    if (rs.next()) {
                        found = rs.getObject(2, UUID.class);
                    }
                }
                if (found != null) {
                    devices.add(new Device(id, type, found, patientNumber));
                    patientId = found;
                    continue;
                }
                if (i % kit.types().size() == 0) {
                    patientId = UUID.randomUUID();
                    patient.setObject(1, patientId);
                    patient.setString(2, organisation);
                    patient.setString(3, "Simuleret borger " + (patientNumber + 1));
                    if (cpr != null) {
                        String number = madeUpCpr(patientNumber, organisation);
                        patient.setBytes(4, cpr.encrypt(number));
                        patient.setBytes(5, cpr.lookupHash(number));
                    } else {
                        byte[] hash = new byte[32];
                        random.nextBytes(hash);
                        patient.setBytes(4, new byte[] {0});
                        patient.setBytes(5, hash);
                    }
                    patient.executeUpdate();
                }
                device.setString(1, id);
                device.setString(2, type.catalogueType());
                device.setString(3, "SN-" + id);
                device.setString(4, id);
                device.setString(5, unusablePassword);
                device.executeUpdate();
                loan.setString(1, id);
                loan.setObject(2, patientId);
                loan.setString(3, organisation);
                loan.executeUpdate();
                devices.add(new Device(id, type, patientId, patientNumber));
            }
            c.commit();
            return new SimulatedFleet(organisation, devices);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    /**
     * A made-up CPR number that passes the date check: born on the 1st–28th of a month in
     * 1937–1973 (7th digit 4), with a serial from the organisation's name so two organisations'
     * simulated citizens rarely share one. Development data only.
     */
    static String madeUpCpr(int n, String organisation) {
        int day = 1 + n % 28;
        int month = 1 + (n / 28) % 12;
        int year = (n / 336) % 37;
        int serial = (Math.floorMod(organisation.hashCode(), 100) * 31 + n / (336 * 37)) % 1000;
        return String.format(Locale.ROOT, "%02d%02d%02d4%03d", day, month, year + 37, serial);
    }
}
