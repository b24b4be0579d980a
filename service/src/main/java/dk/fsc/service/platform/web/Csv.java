package dk.fsc.service.platform.web;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import dk.fsc.service.platform.errors.Refusal;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * CSV downloads for reports and access logs, safe to open in a spreadsheet, in two dialects:
 * {@link Dialect#RFC4180} (commas, CRLF, UTF-8: what programs read) and {@link Dialect#EXCEL_DA}
 * (semicolons, a UTF-8 byte-order mark and decimal commas: what a Danish Excel opens by a
 * double-click with the columns split and æøå intact). One writer for both.
 */
public final class Csv {
    /** How the file is written: field separator, byte-order mark, and the decimal separator of fractions. */
    public enum Dialect {
        RFC4180(',', false, '.'),
        EXCEL_DA(';', true, ',');

        private final char separator;
        private final boolean bom;
        private final char decimal;

        Dialect(char separator, boolean bom, char decimal) {
            this.separator = separator;
            this.bom = bom;
            this.decimal = decimal;
        }
    }

    private Csv() {
    }

    /** Answers {@code ?format=}: false for json (or none), true for csv or excel, else 400. */
    public static boolean wanted(String format) {
        if (format == null || format.equals("json")) {
            return false;
        }
        if (format.equals("csv") || format.equals("excel")) {
            return true;
        }
        throw Refusal.invalid("format must be json, csv (RFC 4180) or excel (semicolons and decimal commas, for a Danish Excel)");
    }

    /** The dialect of a {@code ?format=} that {@link #wanted} accepted. */
    public static Dialect dialect(String format) {
        return "excel".equals(format) ? Dialect.EXCEL_DA : Dialect.RFC4180;
    }

    public static <T> HttpResponse<String> file(Dialect dialect, String name, List<String> header, List<T> lines, Function<T, List<?>> values) {
        String sep = String.valueOf(dialect.separator);
        StringBuilder out = new StringBuilder(dialect.bom ? "\uFEFF" : "");
        out.append(header.stream().map(h -> field(h, dialect)).collect(Collectors.joining(sep))).append("\r\n");
        for (T line : lines) {
            out.append(values.apply(line).stream().map(v -> field(text(v, dialect), dialect)).collect(Collectors.joining(sep)))
                    .append("\r\n");
        }
        return HttpResponse.ok(out.toString()).contentType(new MediaType("text/csv; charset=utf-8"))
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    }

    private static String text(Object v, Dialect dialect) {
        if (v == null) {
            return "";
        }
        if (v instanceof java.math.BigDecimal b) {
            return b.toPlainString().replace('.', dialect.decimal);
        }
        if (v instanceof Double || v instanceof Float) {
            return String.valueOf(v).replace('.', dialect.decimal);
        }
        return String.valueOf(v);
    }

    /** RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so a spreadsheet does not run it as a formula. */
    static String field(String value) {
        return field(value, Dialect.RFC4180);
    }

    static String field(String value, Dialect dialect) {
        String v = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        boolean quote = v.chars().anyMatch(c -> c == '"' || c == dialect.separator || c == '\n' || c == '\r');
        return quote ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }
}
