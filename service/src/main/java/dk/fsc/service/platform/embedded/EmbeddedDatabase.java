package dk.fsc.service.platform.embedded;

import dk.fsc.service.platform.StartupProblem;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A PostgreSQL 15 server run from a folder, for the demo and for tests on a machine without one.
 * Data stays in the folder between runs. Not for production: use FSC_DB_URL.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    public static final String DATABASE = "fsc";
    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts on a free port; a null folder means a throw-away database. */
    public static EmbeddedDatabase start(Path folder) {
        return start(folder, 0);
    }

    /** Starts on the given port (0: a free one), so a restart on the same folder keeps the address. */
    public static EmbeddedDatabase start(Path folder, int port) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            if (port > 0) {
                builder.setPort(port);
            }
            if (folder != null) {
                Files.createDirectories(folder.getParent());
                builder.setDataDirectory(folder).setCleanDataDirectory(false);
            }
            EmbeddedDatabase db = new EmbeddedDatabase(builder.start());
            db.createDatabase();
            return db;
        } catch (IOException | SQLException | RuntimeException e) {
            throw new StartupProblem("Could not start the embedded PostgreSQL" + (folder == null ? "" : " in " + folder)
                    + ": " + e.getMessage() + ". Set FSC_DB_URL to use an installed PostgreSQL instead.", e);
        }
    }

    private void createDatabase() throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            s.execute("CREATE DATABASE " + DATABASE);
        }
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", DATABASE);
    }

    public int port() {
        return postgres.getPort();
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            // the process is ending anyway; PostgreSQL recovers from its WAL on the next start
        }
    }
}
