package dk.fsc.service.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.TestInfrastructure;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * ops/postgres/postgresql.conf, the settings production should run with, checked against a real
 * PostgreSQL as far as a test may without restarting the shared server: every name is one the
 * server knows (a typo would stop a production server from starting), every on/off and enum value
 * is one it accepts, every number carries a unit of the setting's kind, and the settings a session
 * may change are accepted by the server itself (set in a transaction that is rolled back).
 * Acknowledgement after commit must not be traded for speed: synchronous_commit, fsync and
 * full_page_writes stay on.
 */
class PostgresSettingsIT {
    private static final Pattern LINE = Pattern.compile("^([a-z_.]+)\\s*=\\s*('([^']*)'|[^#\\s]+)\\s*(#.*)?$");
    private static final Pattern NUMBER = Pattern.compile("^(-?[0-9.]+)\\s*([a-zA-Z]*)$");
    private static final Set<String> MEMORY_UNITS = Set.of("B", "kB", "MB", "GB", "TB");
    private static final Set<String> TIME_UNITS = Set.of("us", "ms", "s", "min", "h", "d");

    @Test
    void everySettingIsOneTheServerKnowsWithAValueItAccepts() throws Exception {
        Map<String, String> settings = settings();
        assertTrue(settings.size() > 20, "the file was read: " + settings.keySet());
        List<String> wrong = new ArrayList<>();
        try (Connection c = TestInfrastructure.database().connect()) {
            c.setAutoCommit(false);
            Set<String> settable;
            try (ResultSet rs = c.createStatement().executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
                rs.next();
                settable = rs.getBoolean(1) ? Set.of("user", "superuser") : Set.of("user");
            }
            try (PreparedStatement describe = c.prepareStatement("SELECT vartype, unit, enumvals::text, context FROM pg_settings WHERE name = ?");
                 PreparedStatement set = c.prepareStatement("SELECT set_config(?, ?, true)")) {
                for (Map.Entry<String, String> e : settings.entrySet()) {
                    String name = e.getKey();
                    String value = e.getValue();
                    if (name.contains(".")) {
                        // A library's setting: known once the library is preloaded, as the file does.
                        String library = name.substring(0, name.indexOf('.'));
                        if (!settings.getOrDefault("shared_preload_libraries", "").contains(library)) {
                            wrong.add(name + ": its library " + library + " is not in shared_preload_libraries");
                        }
                        continue;
                    }
                    describe.setString(1, name);
                    try (ResultSet rs = describe.executeQuery()) {
                        if (!rs.next()) {
                            wrong.add(name + ": not a PostgreSQL setting");
                            continue;
                        }
                        String problem = problem(value, rs.getString("vartype"), rs.getString("unit"), rs.getString("enumvals"));
                        if (problem != null) {
                            wrong.add(name + " = " + value + ": " + problem);
                            continue;
                        }
                        if (settable.contains(rs.getString("context"))) {
                            Savepoint before = c.setSavepoint();
                            set.setString(1, name);
                            set.setString(2, value);
                            try {
                                set.executeQuery().close();
                            } catch (SQLException refused) {
                                c.rollback(before);
                                wrong.add(name + " = " + value + ": " + refused.getMessage());
                            }
                        }
                    }
                }
            } finally {
                c.rollback();
            }
        }
        assertTrue(wrong.isEmpty(), "ops/postgres/postgresql.conf: " + wrong);
    }

    @Test
    void durabilityIsNeverTradedForSpeed() throws Exception {
        Map<String, String> settings = settings();
        for (String name : List.of("synchronous_commit", "fsync", "full_page_writes")) {
            assertEquals("on", settings.get(name), name + " must stay on: a device's acknowledgement promises its reading is on disk");
        }
        assertEquals("0", settings.get("log_parameter_max_length"), "slow statements are logged without their parameters (personal data)");
        assertFalse(settings.containsKey("log_statement"), "no statement logging beyond the slow ones");
    }

    private static Map<String, String> settings() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : Files.readAllLines(OpsFiles.OPS.resolve("postgres/postgresql.conf"))) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(trimmed);
            assertTrue(m.matches(), "a setting is 'name = value': " + line);
            settings.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2));
        }
        return settings;
    }

    /** What is wrong with the value for a setting of that type, or null. */
    private static String problem(String value, String type, String unit, String enumValues) {
        switch (type) {
            case "bool":
                return Set.of("on", "off", "true", "false").contains(value) ? null : "not on or off";
            case "enum":
                return List.of(enumValues.replaceAll("[{}\"]", "").split(",")).contains(value) ? null : "not one of " + enumValues;
            case "integer":
            case "real":
                Matcher m = NUMBER.matcher(value);
                if (!m.matches()) {
                    return "not a number";
                }
                String suffix = m.group(2);
                if (suffix.isEmpty()) {
                    return null;
                }
                boolean memory = unit != null && unit.matches("\\d*[kM]?B");
                boolean time = unit != null && TIME_UNITS.contains(unit);
                if (memory && MEMORY_UNITS.contains(suffix) || time && TIME_UNITS.contains(suffix)) {
                    return null;
                }
                return "unit '" + suffix + "' does not fit a setting measured in " + unit;
            default:
                return null;
        }
    }
}
