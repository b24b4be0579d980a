package dk.fsc.tools.faults;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** How many device messages the system has stored or quarantined, counted while faults come and go. */
final class StoredMessages {
    /** Opens a connection to the system's database (whose address may change between restarts). */
    interface Database {
        Connection connect() throws SQLException, IOException;
    }

    private StoredMessages() {
    }

    /** Messages stored plus quarantined, or -1 while the database is away. */
    static long count(Database db) {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM device_messages) + (SELECT count(*) FROM quarantine)")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException | IOException e) {
            return -1; // restarting
        }
    }

    static void awaitAtLeast(Database db, long atLeast, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long now = 0;
        while (System.nanoTime() < deadline) {
            now = count(db);
            if (now >= atLeast) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("only " + now + " of " + atLeast + " messages stored after " + timeout.toSeconds() + " s");
    }
}
