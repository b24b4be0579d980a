package dk.fsc.service.console.nurse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.alerts.AlertView;
import dk.fsc.service.console.Format;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a worklist row is handed: the values of what raised the alert, the age, the addresses and the row's state. */
class WorklistRowTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final Format DANISH = new Format(Locale.forLanguageTag("da-DK"), NOW);
    private static final WorklistRow.Context PLAIN = new WorklistRow.Context(DANISH, WorklistFilter.DEFAULT, null, Set.of(), Set.of());

    @Test
    void aTobsRowListsOnlyWhatScoredWithDanishDecimals() {
        Map<String, Object> row = WorklistRow.of(alert(7, "tobs", "red", "open", Map.of("total", 4, "items", List.of(
                Map.of("parameter", "temperature", "value", 38.6, "points", 1),
                Map.of("parameter", "pulse", "value", 72, "points", 0),
                Map.of("parameter", "spo2", "value", 91, "points", 3))), Duration.ofMinutes(5)), PLAIN);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) row.get("items");
        assertEquals(2, items.size(), "the pulse scored nothing: " + items);
        assertEquals("worklist.type.temperature", items.get(0).get("typeKey"));
        assertEquals("38,6", items.get(0).get("value"));
        assertEquals(3, items.get(1).get("points"));
        assertEquals(3, row.get("rank"));
        assertEquals("worklist.age.minutes", row.get("ageKey"));
        assertEquals(5L, row.get("ageValue"));
    }

    @Test
    void aThresholdRowListsEachValueWithItsState() {
        Map<String, Object> row = WorklistRow.of(alert(8, "threshold", "yellow", "acknowledged",
                Map.of("values", List.of(Map.of("type", "spo2", "value", 90, "state", "yellow"))), Duration.ofHours(3)), PLAIN);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) row.get("items");
        assertEquals(List.of("worklist.severity.yellow"), items.stream().map(i -> i.get("stateKey")).toList());
        assertEquals("90", items.get(0).get("value"));
        assertEquals("worklist.age.hours", row.get("ageKey"));
        assertEquals(3L, row.get("ageValue"));
        assertEquals(2, row.get("rank"));
    }

    @Test
    void aSymptomRowListsTheDiarysAnswersByTheirMessageKeys() {
        Map<String, Object> row = WorklistRow.of(alert(11, "symptom", "red", "open", Map.of("questionnaire", "copd_diary", "answers", List.of(
                Map.of("item", "breathlessness", "answer", "much_worse", "state", "red"),
                Map.of("item", "sputum_colour", "answer", "green", "state", "yellow"))), Duration.ofMinutes(2)), PLAIN);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) row.get("items");
        assertEquals(List.of("questionnaire.copd_diary.breathlessness.short", "questionnaire.copd_diary.sputum_colour.short"),
                items.stream().map(i -> i.get("itemKey")).toList());
        assertEquals("questionnaire.copd_diary.breathlessness.much_worse", items.get(0).get("answerKey"));
        assertEquals("worklist.severity.red", items.get(0).get("stateKey"));
        assertEquals(3, row.get("rank"));
    }

    /** The wound alerts' dates in Danish from their details (the summary is the API's English). */
    @Test
    void theWoundAlertsShowTheirDatesInDanish() {
        Map<String, Object> answer = WorklistRow.of(alert(12, "wound_assessment", "blue", "open", new java.util.HashMap<>(Map.of(
                "clinic", "Sårklinikken AUH", "nextPhotoDue", "2026-12-16")), Duration.ofMinutes(1)), PLAIN);
        assertEquals("onsdag 16. dec. 2026", answer.get("nextPhotoDue"));
        Map<String, Object> photo = WorklistRow.of(alert(13, "missing_photo", "blue", "open", Map.of("woundId", UUID.randomUUID().toString(),
                "due", "2026-12-16T23:00:00Z"), Duration.ofMinutes(1)), PLAIN);
        assertEquals("onsdag 16. dec. 2026", photo.get("photoDue"), "due by the end of the 16th (kept as the next Danish midnight)");
        Map<String, Object> afterDays = WorklistRow.of(alert(14, "missing_photo", "blue", "open", Map.of("woundId", UUID.randomUUID().toString(),
                "due", "2026-12-16T09:30:00Z"), Duration.ofMinutes(1)), PLAIN);
        assertEquals("onsdag 16. dec. 2026", afterDays.get("photoDue"), "14 days after a photo taken at 10:30");
    }

    @Test
    void addressesKeepTheFiltersAndTheRowOpensOnlyWhenAskedOrWithAProblem() {
        WorklistFilter mine = WorklistFilter.of("open", "red", null, "true");
        AlertView alert = alert(9, "missing_measurement", "blue", "open", Map.of("taken", 0, "required", 2), Duration.ofDays(2));
        Map<String, Object> closed = WorklistRow.of(alert, new WorklistRow.Context(DANISH, mine, null, Set.of(), Set.of()));
        assertEquals("/worklist?status=open&severity=red&mine=true&open=9#alert-9", closed.get("moreHref"));
        assertEquals("/worklist/9", closed.get("href"));
        assertTrue((Boolean) closed.get("showMore"));
        assertEquals("worklist.age.days", closed.get("ageKey"));

        Map<String, Object> opened = WorklistRow.of(alert, new WorklistRow.Context(DANISH, mine, null, Set.of(9L), Set.of(9L)));
        assertTrue((Boolean) opened.get("expanded"));
        assertFalse((Boolean) opened.get("showMore"));
        assertTrue((Boolean) opened.get("picked"));

        WorklistController.Problem elsewhere = new WorklistController.Problem(10, "resolve", "worklist.problem.outcomeMissing", "", Map.of());
        Map<String, Object> other = WorklistRow.of(alert, new WorklistRow.Context(DANISH, mine, elsewhere, Set.of(), Set.of()));
        assertNull(other.get("problem"), "another row's problem is not this row's");
        WorklistController.Problem here = new WorklistController.Problem(9, "resolve", "worklist.problem.outcomeMissing", "", Map.of());
        Map<String, Object> fix = WorklistRow.of(alert, new WorklistRow.Context(DANISH, mine, here, Set.of(), Set.of()));
        assertTrue((Boolean) fix.get("expanded"), "a problem opens the panel with the form to fix");
        assertEquals("resolve", fix.get("problemAction"));
    }

    @Test
    void aResolvedRowHasNoActions() {
        Map<String, Object> row = WorklistRow.of(alert(11, "weight_trend", "yellow", "resolved",
                Map.of("fromKg", 80.5, "toKg", 82), Duration.ofMinutes(90)), PLAIN);
        assertFalse((Boolean) row.get("unresolved"));
        assertFalse((Boolean) row.get("showMore"));
        assertEquals("80,5", row.get("fromKg"));
        assertEquals("82", row.get("toKg"));
        assertEquals("kind sev sev-trend", row.get("kindClass"));
        assertEquals("nurse.b: kontaktet", row.get("resolved"));
    }

    private static AlertView alert(long id, String kind, String severity, String status, Map<String, Object> details, Duration age) {
        Instant opened = NOW.minus(age);
        boolean resolved = status.equals("resolved");
        return new AlertView(id, UUID.randomUUID(), "Borger " + id, kind, severity, status, kind, details, null, null, opened, opened,
                null, null, resolved ? NOW : null, resolved ? "nurse.b" : null, resolved ? "kontaktet" : null, 0, null, null, null);
    }
}
