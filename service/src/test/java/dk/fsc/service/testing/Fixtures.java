package dk.fsc.service.testing;

import dk.fsc.service.platform.security.CprCipher;
import dk.fsc.service.platform.security.PasswordHasher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** Small builders for test data, written straight to the test database with unique ids. */
public final class Fixtures {
    private static final CprCipher CIPHER = new CprCipher(TestInfrastructure.cprKey(), "");
    private final TestInfrastructure.Database db;

    /** On the test run's database. */
    public Fixtures() {
        this(TestInfrastructure.database());
    }

    /** On another database of the test server (as another role), for a test that makes its own. */
    public Fixtures(String url, String user, String password) {
        this(new TestInfrastructure.Database(url, user, password, "own"));
    }

    private Fixtures(TestInfrastructure.Database db) {
        this.db = db;
    }

    /** A staff login made by {@link #nurse}. */
    public record Login(String username, String password, String organisation) {
    }

    public String organisation() {
        return organisation("municipality");
    }

    /** An organisation of this kind: municipality, region, hospital, gp or fsc. */
    public String organisation(String kind) {
        String id = "org-" + suffix();
        update("INSERT INTO organisations (id, name, kind) VALUES (?, ?, ?)", id, "Test Kommune " + id, kind);
        return id;
    }

    public Login nurse(String organisation) {
        return staff(organisation, "nurse");
    }

    public Login staff(String organisation, String role) {
        String username = role + "." + suffix();
        String password = "test-" + suffix();
        update("INSERT INTO staff_users (username, password_hash, display_name, role, organisation_id) VALUES (?, ?, ?, ?, ?)",
                username, PasswordHasher.hash(password), username, role, organisation);
        return new Login(username, password, organisation);
    }

    public UUID patient(String organisation) {
        return patient(organisation, TestCprs.next());
    }

    /** A patient with this CPR number, encrypted and hashed with the test run's key as the service does. */
    public UUID patient(String organisation, String cpr) {
        UUID id = UUID.randomUUID();
        update("INSERT INTO patients (id, organisation_id, display_name, cpr_encrypted, cpr_hash) VALUES (?, ?, ?, ?, ?)",
                id, organisation, "Test Patient", CIPHER.encrypt(cpr), CIPHER.lookupHash(cpr));
        return id;
    }

    /** A registered device; its MQTT password is {@code "pw-" + id}. */
    public String device(String state) {
        String id = "TEST-" + suffix().toUpperCase();
        update("INSERT INTO devices (id, device_type, state, mqtt_username, mqtt_password_hash) VALUES (?, 'pulse_oximeter', ?, ?, ?)",
                id, state, id, PasswordHasher.hash("pw-" + id));
        return id;
    }

    public void loan(String deviceId, UUID patient, String organisation, Instant from, Instant to) {
        update("INSERT INTO loans (device_id, patient_id, organisation_id, starts_at, ends_at) VALUES (?, ?, ?, ?, ?)",
                deviceId, patient, organisation, utc(from), to == null ? null : utc(to));
    }

    /** A device on an open-ended loan to a new patient since 30 days ago. */
    public String deviceOnLoanTo(UUID patient, String organisation) {
        String device = device("on_loan");
        loan(device, patient, organisation, Instant.now().minusSeconds(30 * 86400), null);
        return device;
    }

    /**
     * The readings a device sent, for a WHERE to go on ({@code AND ...}; its one parameter is the
     * device's id): they name the device by its number (V37).
     */
    public static final String DEVICE_READINGS = "readings WHERE device_number = (SELECT device_number FROM devices WHERE id = ?)";

    public long count(String sql, Object... values) {
        return firstColumn(sql, values, rs -> rs.getLong(1));
    }

    /** The first column of the first row, e.g. of an INSERT ... RETURNING id. */
    public long longValue(String sql, Object... values) {
        return firstColumn(sql, values, rs -> rs.getLong(1));
    }

    /** The first column of every row. */
    public java.util.List<String> strings(String sql, Object... values) {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, values);
            java.util.List<String> out = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] bytes(String sql, Object... values) {
        return firstColumn(sql, values, rs -> rs.getBytes(1));
    }

    /** The first column of the first row as text, or null when there is no row. */
    public String text(String sql, Object... values) {
        return firstColumn(sql, values, rs -> rs.getString(1));
    }

    /** What a test reads from a row. */
    public interface Column<T> {
        T read(java.sql.ResultSet rs) throws SQLException;
    }

    /** The first row, read by {@code column}, or null when there is no row. */
    public <T> T row(String sql, Column<T> column, Object... values) {
        return firstColumn(sql, values, column);
    }

    private <T> T firstColumn(String sql, Object[] values, Column<T> column) {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, values);
            try (var rs = s.executeQuery()) {
                return rs.next() ? column.read(rs) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void update(String sql, Object... values) {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, values);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The plan PostgreSQL makes for {@code explain} (a statement starting with {@code EXPLAIN}),
     * with {@code settings} (such as {@code enable_sort = off}) set for its transaction only, which
     * is rolled back: tests that a query keeps the plan an index was made for.
     */
    public String plan(java.util.List<String> settings, String explain, Object... values) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (var set = c.createStatement()) {
                for (String setting : settings) {
                    set.execute("SET LOCAL " + setting);
                }
                try (PreparedStatement s = c.prepareStatement(explain)) {
                    bind(s, values);
                    StringBuilder plan = new StringBuilder();
                    try (var rs = s.executeQuery()) {
                        while (rs.next()) {
                            plan.append(rs.getString(1)).append('\n');
                        }
                    }
                    return plan.toString();
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void bind(PreparedStatement s, Object[] values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            s.setObject(i + 1, values[i]);
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
