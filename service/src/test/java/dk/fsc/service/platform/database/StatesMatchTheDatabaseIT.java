package dk.fsc.service.platform.database;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dk.fsc.service.alerts.AlertStatus;
import dk.fsc.service.alerts.Severity;
import dk.fsc.service.logistics.DeviceState;
import dk.fsc.service.logistics.LoanStatus;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.tickets.TicketState;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The states the code knows and the states the database allows are the same: each state enum
 * against the CHECK constraint of its column in the migrated database. A state added on one side
 * only fails here, not in production.
 */
@MicronautTest(transactional = false)
class StatesMatchTheDatabaseIT extends IntegrationTest {
    /** A literal in a constraint's definition as PostgreSQL gives it back: {@code 'ready'::text}. */
    private static final Pattern LITERAL = Pattern.compile("'((?:[^']|'')*)'::text");

    @Inject
    Database db;

    /** One line per state column: its table, its column, and the enum with each state's name in the database. */
    static Stream<Arguments> stateColumns() {
        return Stream.of(
                column("devices", "state", DeviceState.values(), DeviceState::name),
                column("loans", "status", LoanStatus.values(), LoanStatus::name),
                column("tickets", "state", TicketState.values(), TicketState::wire),
                column("alerts", "status", AlertStatus.values(), AlertStatus::name),
                column("alerts", "severity", Severity.values(), Severity::db));
    }

    @ParameterizedTest(name = "{0}.{1}")
    @MethodSource("stateColumns")
    void theEnumListsTheStatesTheCheckConstraintAllows(String table, String column, Set<String> inCode) {
        assertEquals(inCode, allowed(table, column), table + "." + column + ": the enum and the CHECK constraint differ");
    }

    private static <E extends Enum<E>> Arguments column(String table, String column, E[] states, Function<E, String> name) {
        return Arguments.of(table, column, Arrays.stream(states).map(name).collect(Collectors.toCollection(TreeSet::new)));
    }

    /** The literals of the one CHECK constraint on this column alone. */
    private Set<String> allowed(String table, String column) {
        List<String> checks = db.withConnection(sql -> sql.list("""
                SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
                  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                 WHERE c.conrelid = ?::regclass AND c.contype = 'c' AND cardinality(c.conkey) = 1 AND a.attname = ?""",
                rs -> rs.getString(1), table, column));
        assertEquals(1, checks.size(), table + "." + column + " should have one CHECK constraint, has " + checks);
        Set<String> states = new TreeSet<>();
        Matcher m = LITERAL.matcher(checks.get(0));
        while (m.find()) {
            states.add(m.group(1).replace("''", "'"));
        }
        return states;
    }
}
