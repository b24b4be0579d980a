package dk.fsc.service.platform.web;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import dk.fsc.service.platform.errors.Refusal;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/** CSV downloads (RFC 4180, CRLF, UTF-8) for reports and access logs, safe to open in a spreadsheet. */
public final class Csv {
    private Csv() {
    }

    /** Answers {@code ?format=}: false for json (or none), true for csv, else 400. */
    public static boolean wanted(String format) {
        if (format == null || format.equals("json")) {
            return false;
        }
        if (format.equals("csv")) {
            return true;
        }
        throw Refusal.invalid("format must be json or csv");
    }

    public static <T> HttpResponse<String> file(String name, List<String> header, List<T> lines, Function<T, List<?>> values) {
        StringBuilder out = new StringBuilder(String.join(",", header)).append("\r\n");
        for (T line : lines) {
            out.append(values.apply(line).stream().map(v -> field(v == null ? "" : String.valueOf(v))).collect(Collectors.joining(",")))
                    .append("\r\n");
        }
        return HttpResponse.ok(out.toString()).contentType(new MediaType("text/csv; charset=utf-8"))
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    }

    /** RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so a spreadsheet does not run it as a formula. */
    static String field(String value) {
        String v = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        boolean quote = v.chars().anyMatch(c -> c == '"' || c == ',' || c == '\n' || c == '\r');
        return quote ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }
}
