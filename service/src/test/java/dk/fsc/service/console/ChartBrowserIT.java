package dk.fsc.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.readings.RollupFold;
import dk.fsc.service.testing.Browser;
import dk.fsc.service.testing.BrowserTest;
import dk.fsc.service.testing.Fixtures;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The citizen's chart in a real browser: the data each chart is handed (checked as JSON in the
 * page and in the uPlot instance, not as pixels), the server's reduction of a long range, the
 * not-found page for other organisations' citizens, accessibility and the access log.
 */
@MicronautTest(transactional = false)
class ChartBrowserIT extends BrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    RollupFold fold;

    @Test
    void theChartIsHandedTheReadingsStaffEntriesLimitsMissedPeriodsAndTheAlertMoment() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant t1 = now.minus(Duration.ofDays(20));
        Instant t2 = now.minus(Duration.ofDays(10));
        Instant t3 = now.minus(Duration.ofDays(5));
        Instant t4 = now.minus(Duration.ofDays(2));
        reading(patient, "spo2", 95, t1, "device");
        reading(patient, "spo2", 91.5, t2, "device");
        reading(patient, "spo2", 89, t3, "staff");
        reading(patient, "spo2", 87, t4, "device");
        reading(patient, "spo2", 80, now.minus(Duration.ofDays(40)), "device"); // before the 30 days: not handed
        fixtures.update("""
                INSERT INTO threshold_changes (patient_id, type, red_high, yellow_high, yellow_low, red_low, reason, changed_by)
                VALUES (?, 'spo2', NULL, 99, 90, 86, 'test', 'clinician.test')""", patient);
        Instant missed = now.minus(Duration.ofDays(3));
        fixtures.update("INSERT INTO missing_measurement_checks (patient_id, period_start, missing) VALUES (?, ?, true)", patient, utc(missed));
        Instant at = t4;

        Browser b = browser().signIn(fixtures.nurse(org)).open("/patients/" + patient + "?range=30d&at=" + at);
        waitForCharts(b);

        Map<String, Object> data = json(b, "spo2");
        assertEquals("spo2", data.get("type"));
        assertEquals("%", data.get("unit"));
        assertEquals(List.of(List.of(t1.getEpochSecond(), 95.0, false), List.of(t2.getEpochSecond(), 91.5, false),
                List.of(t3.getEpochSecond(), 89.0, true), List.of(t4.getEpochSecond(), 87.0, false)), normalised(data.get("points")));
        assertNull(data.get("buckets"), "30 days of four readings are not reduced");
        @SuppressWarnings("unchecked")
        Map<String, Object> bands = (Map<String, Object>) data.get("bands");
        assertEquals(90.0, number(bands.get("yellowLow")));
        assertEquals(99.0, number(bands.get("yellowHigh")));
        assertEquals(86.0, number(bands.get("redLow")));
        assertNull(bands.get("redHigh"));
        assertEquals(List.of(missed.getEpochSecond()), normalised(data.get("missed")));
        assertEquals(at.getEpochSecond(), ((Number) data.get("at")).longValue());
        long from = ((Number) data.get("from")).longValue();
        long to = ((Number) data.get("to")).longValue();
        assertTrue(to - from == Duration.ofDays(30).toSeconds() && Math.abs(to - now.getEpochSecond()) < 120, from + " to " + to);

        // What uPlot was given: times, every value, and the staff-entered values as their own series.
        Object plotted = b.script("return window.__charts.spo2.data");
        assertEquals(List.of(
                List.of(t1.getEpochSecond(), t2.getEpochSecond(), t3.getEpochSecond(), t4.getEpochSecond()),
                List.of(95.0, 91.5, 89.0, 87.0),
                java.util.Arrays.asList(null, null, 89.0, null)), normalised(plotted));

        // The table alternative lists the newest first, the staff entry said in words, with a decimal comma.
        List<String> rows = b.all("#chart-spo2 details table tbody tr").stream().map(r -> r.getAttribute("textContent")).toList();
        assertEquals(4, rows.size());
        assertTrue(rows.get(1).contains("89") && rows.get(1).contains("indtastet af personale"), rows.get(1));
        assertTrue(rows.get(2).contains("91,5"), rows.get(2));
        assertTrue(b.find("#chart-at").getText().length() > 0);
        assertFalse(b.all("#chart-pulse").size() > 0, "no chart for a type without readings");
    }

    @Test
    void aYearOfReadingsIsReducedOnTheServerKeepingTheSpike() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        // A pulse every 30 minutes for a year (17,500 readings), all 70-79, and one spike of 190 half a year ago.
        fixtures.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value, origin)
                SELECT 'TEST-GEN', 'gen-' || i, 0, now() - i * interval '30 minutes', ?, 'pulse', 70 + (i % 10), 'device'
                  FROM generate_series(1, 17500) AS i""", patient);
        Instant spikeAt = Instant.now().minus(Duration.ofDays(180)).truncatedTo(ChronoUnit.SECONDS).plusSeconds(7);
        reading(patient, "pulse", 190, spikeAt, "device");
        fold.fold(); // the year's chart reads the daily rollups: folded now rather than in a few seconds

        Fixtures.Login nurse = fixtures.nurse(org);
        Browser b = browser().signIn(nurse).open("/patients/" + patient + "?range=7d");
        waitForCharts(b);
        assertNotNull(json(b, "pulse").get("points"), "a week comes as readings");
        // Choosing a year fetches the charts' section alone and draws it in place; the address follows.
        b.script("window.__marker = 'kept'");
        b.find("#charts .ranges a[href*='range=1y']").click();
        b.waitFor(WAIT, d -> String.valueOf(b.script("return location.search")).contains("range=1y"));
        waitForCharts(b);
        assertEquals("kept", b.script("return window.__marker"), "not a page load");
        assertEquals("page", b.find("#charts .ranges a[href*='range=1y']").getAttribute("aria-current"));
        assertEquals(1, fixtures.count("""
                SELECT count(*) FROM access_log WHERE username = ? AND patient_id = ? AND action = 'read readings'
                   AND detail LIKE 'pulse %' AND split_part(detail, ' ', 2)::timestamptz < now() - interval '300 days'""",
                nurse.username(), patient), "the year's read is in the access log");
        Map<String, Object> data = json(b, "pulse");
        assertNull(data.get("points"), "a year of readings comes reduced");
        @SuppressWarnings("unchecked")
        List<List<Object>> buckets = (List<List<Object>>) data.get("buckets");
        assertTrue(buckets.size() <= 400 && buckets.size() > 300, "buckets: " + buckets.size());
        assertEquals(190.0, buckets.stream().mapToDouble(x -> number(x.get(2))).max().orElseThrow(), "the spike is kept");
        assertEquals(70.0, buckets.stream().mapToDouble(x -> number(x.get(1))).min().orElseThrow());
        long width = ((Number) buckets.get(1).get(0)).longValue() - ((Number) buckets.get(0).get(0)).longValue();
        List<Object> spike = buckets.stream().filter(x -> number(x.get(2)) == 190.0).findFirst().orElseThrow();
        long start = ((Number) spike.get(0)).longValue();
        assertTrue(start <= spikeAt.getEpochSecond() && spikeAt.getEpochSecond() < start + width, "the spike's bucket covers its time");
        assertEquals(17501, buckets.stream().mapToLong(x -> ((Number) x.get(3)).longValue()).sum(), "every reading is in a bucket");

        Object plotted = b.script("return window.__charts.pulse.data");
        @SuppressWarnings("unchecked")
        List<List<Object>> series = (List<List<Object>>) plotted;
        assertEquals(3, series.size(), "times, lowest, highest");
        assertEquals(buckets.size(), series.get(0).size());
        assertTrue(series.get(2).stream().anyMatch(v -> v != null && ((Number) v).doubleValue() == 190.0), "uPlot draws the spike");
        assertTrue(b.find("#chart-pulse figcaption").getText().contains("17501"), b.find("#chart-pulse figcaption").getText());
    }

    @Test
    void aNurseOfAnotherMunicipalityGetsTheSameNotFoundPageAsForNoPatient() {
        UUID patient = fixtures.patient(fixtures.organisation());
        reading(patient, "spo2", 93, Instant.now().minus(Duration.ofHours(3)), "device");
        Fixtures.Login other = fixtures.nurse(fixtures.organisation());
        Browser b = browser().signIn(other);

        b.open("/patients/" + patient + "?range=30d");
        String theirs = b.find("main").getText();
        String title = b.driver().getTitle();
        assertTrue(theirs.contains("Ikke fundet"), theirs);
        assertTrue(b.all("script[id^=chart-data-]").isEmpty());
        b.open("/patients/" + UUID.randomUUID() + "?range=30d");
        assertEquals(theirs, b.find("main").getText(), "the same page as for a citizen who does not exist");
        assertEquals(title, b.driver().getTitle());
        assertEquals(0, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ?", patient), "nothing was read");
    }

    @Test
    void theChartPageIsAccessibleWithItsTablesOpen() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        fixtures.deviceOnLoanTo(patient, org);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int i = 1; i <= 6; i++) {
            reading(patient, "spo2", 90 + i, now.minus(Duration.ofHours(10L * i)), i == 3 ? "staff" : "device");
            reading(patient, "pulse", 80 + i, now.minus(Duration.ofHours(10L * i)), "device");
            reading(patient, "temperature", 36.5 + i / 10.0, now.minus(Duration.ofHours(10L * i)), "device");
        }
        long alert = alertWithHistory(patient, org);

        Browser b = browser().signIn(fixtures.nurse(org)).open("/patients/" + patient);
        waitForCharts(b);
        assertEquals(List.of("spo2", "pulse", "temperature"),
                b.all("script[id^=chart-data-]").stream().map(e -> e.getAttribute("id").substring("chart-data-".length())).toList());
        assertTrue(b.find("#chart-devices").getText().contains("Pulsoximeter"), b.find("#chart-devices").getText());
        assertFalse(b.find("#chart-last").getText().isBlank());
        assertTrue(b.find("#early-warning").getText().contains("TOBS-score"), b.find("#early-warning").getText());
        List<String> events = b.all("#alert-" + alert + " li").stream().map(e -> e.getAttribute("data-event")).toList();
        assertEquals(List.of("opened", "acknowledged"), events);
        b.screenshot(java.nio.file.Path.of("target", "chart-page.png")); // to look at, not asserted
        b.script("document.getElementById('charts').scrollIntoView()");
        b.screenshot(java.nio.file.Path.of("target", "chart-page-charts.png"));
        b.all("details.as-table summary").forEach(s -> s.click());
        b.assertAccessible();
    }

    @Test
    void openingTheChartWritesTheApisAccessLogLines() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        reading(patient, "spo2", 94, Instant.now().minus(Duration.ofHours(2)), "device");
        long alert = alertWithHistory(patient, org);
        Fixtures.Login nurse = fixtures.nurse(org);

        Browser b = browser().signIn(nurse).open("/patients/" + patient + "?range=90d");
        waitForCharts(b);

        List<String> actions = fixtures.strings("SELECT action FROM access_log WHERE patient_id = ? AND username = ? AND purpose = 'care'",
                patient, nurse.username());
        for (String expected : List.of("read patient record", "read early warning", "read thresholds", "read alert " + alert,
                "read devices on loan", "read missed measurements")) {
            assertTrue(actions.contains(expected), expected + " in " + actions);
        }
        List<String> readings = fixtures.strings("SELECT detail FROM access_log WHERE patient_id = ? AND username = ? AND action = 'read readings'",
                patient, nurse.username());
        assertEquals(10, readings.size(), "one line per type read: " + readings);
        assertTrue(readings.stream().anyMatch(d -> d.startsWith("spo2 ") && d.contains(" to ")), readings.toString());
    }

    private static void waitForCharts(Browser b) {
        b.waitFor(WAIT, d -> "true".equals(b.script("return document.documentElement.dataset.chartsReady || null")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Browser b, String type) {
        Object data = b.script("return JSON.parse(document.getElementById('chart-data-" + type + "').textContent)");
        assertNotNull(data, "chart data for " + type);
        return (Map<String, Object>) data;
    }

    /** WebDriver answers whole numbers as Long: values as Double, times as Long, so lists compare exactly. */
    private static Object normalised(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(ChartBrowserIT::normalised).collect(java.util.stream.Collectors.toList());
        }
        if (value instanceof Number n && n.doubleValue() > 1_000_000_000) {
            return n.longValue();
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        return value;
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }

    private void reading(UUID patient, String type, double value, Instant at, String origin) {
        fixtures.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value, origin)
                VALUES (?, ?, 0, ?, ?, ?, ?, ?)""",
                origin.equals("staff") ? "staff" : "TEST-CHART", UUID.randomUUID().toString(), utc(at), patient, type, value, origin);
    }

    /** A yellow TOBS alert, opened and then acknowledged by a nurse. */
    private long alertWithHistory(UUID patient, String org) {
        long id = fixtures.longValue("""
                INSERT INTO alerts (patient_id, organisation_id, kind, severity, status, summary, opened_at, acknowledged_at, acknowledged_by)
                VALUES (?, ?, 'tobs', 'yellow', 'acknowledged', 'TOBS 3 (yellow)', now() - interval '1 hour', now(), 'nurse.x') RETURNING id""",
                patient, org);
        fixtures.update("INSERT INTO alert_events (alert_id, organisation_id, type, actor, severity, note, at) VALUES (?, ?, 'opened', 'system', 'yellow', 'TOBS 3', now() - interval '1 hour')",
                id, org);
        fixtures.update("INSERT INTO alert_events (alert_id, organisation_id, type, actor, severity, note) VALUES (?, ?, 'acknowledged', 'nurse.x', 'yellow', 'called her')",
                id, org);
        return id;
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
