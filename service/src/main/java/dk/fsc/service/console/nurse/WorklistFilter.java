package dk.fsc.service.console.nurse;

import dk.fsc.service.alerts.AlertStatus;
import dk.fsc.service.alerts.AlertView;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the worklist shows: a status as the API's worklist takes it, and optionally one severity,
 * one kind and only the alerts assigned to the viewer. Unknown values fall back to showing all
 * (a filter is a view, not data to refuse). Every action's form carries it, so the page it
 * redirects back to keeps the nurse's filters.
 */
public record WorklistFilter(String status, String severity, String kind, boolean mine) {
    public static final List<String> STATUSES = List.of("active", "open", "acknowledged", "resolved", "all");
    public static final List<String> SEVERITIES = List.of("red", "yellow", "blue");
    public static final List<String> KINDS = List.of("tobs", "threshold", "symptom", "weight_trend", "missing_measurement",
            "wound_assessment", "missing_photo");
    public static final WorklistFilter DEFAULT = new WorklistFilter("active", "", "", false);

    public static WorklistFilter of(String status, String severity, String kind, String mine) {
        // List.of(...).contains(null) throws: an absent parameter is the default.
        return new WorklistFilter(status != null && STATUSES.contains(status) ? status : "active",
                severity != null && SEVERITIES.contains(severity) ? severity : "",
                kind != null && KINDS.contains(kind) ? kind : "", "true".equals(mine) || "on".equals(mine));
    }

    /** From an action's form: its hidden filter fields. */
    public static WorklistFilter of(Map<String, String> form) {
        return of(form.get("status"), form.get("severity"), form.get("kind"), form.get("mine"));
    }

    public Set<AlertStatus> statuses() {
        return switch (status) {
            case "active" -> EnumSet.of(AlertStatus.open, AlertStatus.acknowledged);
            case "all" -> EnumSet.allOf(AlertStatus.class);
            default -> EnumSet.of(AlertStatus.of(status));
        };
    }

    /** Whether the store's narrower filters (severity, kind, mine) apply: the store filters by status only. */
    public boolean narrowed() {
        return !severity.isEmpty() || !kind.isEmpty() || mine;
    }

    public boolean matches(AlertView a, String username) {
        return (severity.isEmpty() || severity.equals(a.severity())) && (kind.isEmpty() || kind.equals(a.kind()))
                && (!mine || username.equals(a.assignee()));
    }

    /** The worklist's address with these filters and one alert's panel of actions open, at that row. */
    public String pathOpening(long alertId) {
        String path = path();
        return path + (path.contains("?") ? "&" : "?") + "open=" + alertId + "#alert-" + alertId;
    }

    /** The worklist's address with these filters, for redirects back after an action. */
    public String path() {
        Map<String, String> q = fields();
        return q.isEmpty() ? "/worklist" : "/worklist?" + q.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    /** The parameters that differ from the default view (an absent one is the default): the address's query and each form's hidden fields. */
    public Map<String, String> fields() {
        Map<String, String> q = new LinkedHashMap<>();
        if (!status.equals("active")) {
            q.put("status", status);
        }
        if (!severity.isEmpty()) {
            q.put("severity", severity);
        }
        if (!kind.isEmpty()) {
            q.put("kind", kind);
        }
        if (mine) {
            q.put("mine", "true");
        }
        return q;
    }
}
