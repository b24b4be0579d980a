package dk.fsc.service.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dk.fsc.service.testing.TestInfrastructure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The alert states the code knows are exactly those the migrated database allows (its CHECK constraints). */
class AlertStatusMatchesDatabaseIT {

    @Test
    void alertStatusesAreTheDatabases() throws Exception {
        assertEquals(allowed("alerts", "status"), names(Arrays.stream(AlertStatus.values()).map(AlertStatus::name)));
    }

    @Test
    void severitiesAreTheDatabases() throws Exception {
        assertEquals(allowed("alerts", "severity"), names(Arrays.stream(Severity.values()).map(Severity::db)));
    }

    private static Set<String> names(java.util.stream.Stream<String> names) {
        return names.collect(Collectors.toCollection(TreeSet::new));
    }

    /** The values of the column's {@code CHECK (column IN (...))}, as PostgreSQL keeps it (e.g. {@code = ANY (ARRAY['a'::text, ...])}). */
    private static Set<String> allowed(String table, String column) throws Exception {
        try (Connection c = TestInfrastructure.database().connect();
             PreparedStatement s = c.prepareStatement("""
                     SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k
                       JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
                      WHERE k.conrelid = CAST(? AS regclass) AND k.contype = 'c' AND a.attname = ?""")) {
            s.setString(1, table);
            s.setString(2, column);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new AssertionError("no CHECK constraint on " + table + "." + column);
                }
                String definition = rs.getString(1);
                if (rs.next()) {
                    throw new AssertionError("more than one CHECK constraint on " + table + "." + column);
                }
                Set<String> values = new TreeSet<>();
                Matcher m = Pattern.compile("'([^']*)'").matcher(definition);
                while (m.find()) {
                    values.add(m.group(1));
                }
                return values;
            }
        }
    }
}
