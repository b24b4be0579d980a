package dk.fsc.service.console.admin;

import dk.fsc.service.platform.security.CprCipher;
import io.micronaut.core.annotation.Nullable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The access log page's filters as typed (trimmed; empty for none). */
public record AccessLogQuery(String patient, String from, String to, String person, String action) {
    public AccessLogQuery {
        patient = clean(patient);
        from = clean(from);
        to = clean(to);
        person = clean(person);
        action = clean(action);
    }

    /** Whether the citizen's field holds a CPR number (typed by habit): never kept in an address or said back. */
    public boolean patientIsCpr() {
        return CprCipher.isValid(CprCipher.normalise(patient));
    }

    /** The same filters, the citizen's field emptied when it holds a CPR number. */
    public AccessLogQuery withoutCpr() {
        return patientIsCpr() ? new AccessLogQuery("", from, to, person, action) : this;
    }

    /** As a query string, for the download links and the posted form's redirect. */
    public String encoded() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("patient", patient);
        q.put("from", from);
        q.put("to", to);
        q.put("person", person);
        q.put("action", action);
        return q.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private static String clean(@Nullable String s) {
        return s == null ? "" : s.strip();
    }
}
