package dk.fsc.service.console.nurse;

import dk.fsc.service.alerts.AlertView;
import dk.fsc.service.console.Format;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An alert as the worklist's row template reads it: a map of what the row shows, with the
 * addresses, the age and the row's state for this request already worked out.
 *
 * <p>The worklist renders 500 rows; each expression in the row costs Thymeleaf an OGNL evaluation,
 * and a record's component or a method call costs a reflective look-up each time, where a map's
 * entry is read directly. Reading the row from this map halved the page's time
 * (docs/benchmarks.md, the console). Texts stay in the message bundles and the template.
 */
final class WorklistRow {
    /** What the request adds to each row: the viewer's filters, problem, selection and opened panels. */
    record Context(Format fmt, WorklistFilter filter, WorklistController.Problem problem, Set<Long> selected, Set<Long> openRows) {
    }

    private WorklistRow() {
    }

    static List<Map<String, Object>> of(List<AlertView> alerts, Context context) {
        return alerts.stream().map(a -> of(a, context)).toList();
    }

    static Map<String, Object> of(AlertView a, Context context) {
        Format fmt = context.fmt();
        WorklistController.Problem problem = context.problem() != null && context.problem().alertId() == a.id() ? context.problem() : null;
        boolean unresolved = !a.status().equals("resolved");
        long minutes = fmt.minutesSince(a.openedAt());
        Map<String, Object> row = new HashMap<>(48);
        row.put("id", a.id());
        row.put("patientName", a.patientName());
        row.put("kind", a.kind());
        row.put("severity", a.severity());
        row.put("status", a.status());
        row.put("summary", a.summary());
        row.put("details", a.details());
        row.put("assignee", a.assignee());
        row.put("acknowledgedBy", a.acknowledgedBy());
        row.put("resolved", a.status().equals("resolved") ? a.resolvedBy() + ": " + a.outcome() : null);
        row.put("kindClass", a.kind().equals("weight_trend") ? "kind sev sev-trend" : "kind");
        row.put("items", items(a, fmt));
        if (a.kind().equals("weight_trend")) {
            row.put("fromKg", fmt.number(number(a.details().get("fromKg"))));
            row.put("toKg", fmt.number(number(a.details().get("toKg"))));
        }
        // The wound alerts in the page's words from their details (their summary is written in English, for the API).
        if (a.kind().equals("wound_assessment") && a.details().get("nextPhotoDue") instanceof String next) {
            row.put("nextPhotoDue", fmt.day(java.time.LocalDate.parse(next)));
        }
        if (a.kind().equals("missing_photo") && a.details().get("due") instanceof String due) {
            // Due at the end of a day (a clinic's date is kept as the next Danish midnight): that day, not the next.
            java.time.ZonedDateTime at = java.time.Instant.parse(due).atZone(dk.fsc.service.platform.time.DanishTime.ZONE);
            row.put("photoDue", fmt.day(at.toLocalTime().equals(java.time.LocalTime.MIDNIGHT) ? at.toLocalDate().minusDays(1) : at.toLocalDate()));
        }
        row.put("escalation", a.escalationLevel() > 0 ? String.valueOf(a.escalationLevel()) : "–");
        row.put("rank", a.severity().equals("red") ? 3 : a.severity().equals("yellow") ? 2 : 1);
        row.put("openedAtMillis", a.openedAt().toEpochMilli());
        row.put("openedIso", fmt.iso(a.openedAt()));
        row.put("openedTitle", fmt.dateTime(a.openedAt()));
        row.put("ageKey", minutes < 60 ? "worklist.age.minutes" : minutes < 1440 ? "worklist.age.hours" : "worklist.age.days");
        row.put("ageValue", minutes < 60 ? minutes : minutes < 1440 ? minutes / 60 : minutes / 1440);
        row.put("chartHref", "/patients/" + a.patientId() + "?at=" + fmt.iso(a.openedAt()));
        row.put("href", "/worklist/" + a.id());
        row.put("moreHref", context.filter().pathOpening(a.id()));
        boolean expanded = unresolved && (problem != null || context.openRows().contains(a.id()));
        row.put("unresolved", unresolved);
        row.put("expanded", expanded);
        row.put("showMore", unresolved && !expanded);
        row.put("picked", context.selected().contains(a.id()));
        row.put("problem", problem);
        row.put("problemAction", problem == null ? null : problem.action());
        return row;
    }

    /**
     * What raised the alert, one entry per value with the message keys of its type, unit and state:
     * a TOBS alert's parameters that scored points, or a threshold alert's values outside limits;
     * for a symptom alert, its answers.
     */
    private static List<Map<String, Object>> items(AlertView a, Format fmt) {
        List<Map<String, Object>> items = new ArrayList<>();
        if (a.kind().equals("symptom")) {
            return symptoms(a);
        }
        boolean tobs = a.kind().equals("tobs");
        Object list = a.details().get(tobs ? "items" : "values");
        if (!(list instanceof List<?> entries) || !(tobs || a.kind().equals("threshold"))) {
            return items;
        }
        for (Object e : entries) {
            if (!(e instanceof Map<?, ?> m)) {
                continue;
            }
            Object type = m.get(tobs ? "parameter" : "type");
            Number points = tobs ? number(m.get("points")) : null;
            if (type == null || (tobs && (points == null || points.doubleValue() <= 0))) {
                continue; // a TOBS row lists what scored
            }
            Map<String, Object> item = new HashMap<>(8);
            item.put("typeKey", "worklist.type." + type);
            item.put("unitKey", "worklist.unit." + type);
            item.put("value", fmt.number(number(m.get("value"))));
            item.put("points", points);
            item.put("stateKey", "worklist.severity." + m.get("state"));
            items.add(item);
        }
        return items;
    }

    /** A symptom alert's diary answers that are not green, with the message keys of the question, the answer and its colour. */
    private static List<Map<String, Object>> symptoms(AlertView a) {
        List<Map<String, Object>> items = new ArrayList<>();
        if (a.details().get("answers") instanceof List<?> answers) {
            for (Object e : answers) {
                if (e instanceof Map<?, ?> m && m.get("item") != null && m.get("answer") != null) {
                    String item = "questionnaire." + a.details().get("questionnaire") + "." + m.get("item");
                    items.add(Map.of("itemKey", item + ".short", "answerKey", item + "." + m.get("answer"),
                            "stateKey", "worklist.severity." + m.get("state")));
                }
            }
        }
        return items;
    }

    private static Number number(Object value) {
        return value instanceof Number n ? n : null;
    }
}
