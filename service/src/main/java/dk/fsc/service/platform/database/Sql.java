package dk.fsc.service.platform.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Short JDBC for hand-written SQL on one connection (usually the current transaction's).
 * Instants are bound as UTC timestamps; SQL errors become {@link DataError}.
 */
public final class Sql {
    private final Connection connection;

    private Sql(Connection connection) {
        this.connection = connection;
    }

    public static Sql on(Connection connection) {
        return new Sql(connection);
    }

    /** Maps one row. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** A database error, unchecked so feature code stays readable; it still rolls back. */
    public static final class DataError extends RuntimeException {
        public DataError(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    public <T> List<T> list(String sql, Row<T> row, Object... params) {
        try (PreparedStatement s = prepare(sql, params); ResultSet rs = s.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new DataError(e);
        }
    }

    public <T> Optional<T> one(String sql, Row<T> row, Object... params) {
        List<T> rows = list(sql, row, params);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    public int update(String sql, Object... params) {
        try (PreparedStatement s = prepare(sql, params)) {
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new DataError(e);
        }
    }

    /** An SQL array of {@code type} (e.g. "bigint", "bytea") to bind as one parameter. */
    public java.sql.Array array(String type, Object[] values) {
        try {
            return connection.createArrayOf(type, values);
        } catch (SQLException e) {
            throw new DataError(e);
        }
    }

    /** A nullable double column (JDBC reads SQL NULL as 0). */
    public static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private PreparedStatement prepare(String sql, Object[] params) throws SQLException {
        PreparedStatement s = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            s.setObject(i + 1, p instanceof Instant at ? OffsetDateTime.ofInstant(at, ZoneOffset.UTC) : p);
        }
        return s;
    }
}
