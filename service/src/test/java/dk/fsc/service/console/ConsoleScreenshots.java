package dk.fsc.service.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.fsc.service.testing.Browser;
import dk.fsc.service.testing.BrowserTest;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/**
 * The pictures of docs/console.md, made from the demo data by {@code bin/screenshots}: the service
 * starts with the demo (a fresh test database), the demo's pulse oximeters send a week of readings
 * and a few bad ones over MQTT (so the worklist has red and yellow alerts and the chart has points),
 * and a browser signed in as the demo's nurse in Aarhus takes a picture of each screen. Not a test
 * (its name matches neither Surefire's nor Failsafe's patterns): only {@code -Dit.test=ConsoleScreenshots} runs it.
 * Screens found by following the console's own links from the worklist, so pages added later are
 * taken too; a screen that is not there (404) is skipped with a note.
 */
@MicronautTest(transactional = false)
class ConsoleScreenshots extends BrowserTest {
    private final Path scratch = TestInfrastructure.scratch("screenshots-" + runId);
    @jakarta.inject.Inject
    ConsoleSessions sessions;
    private final Path out = Path.of(System.getenv().getOrDefault("FSC_SCREENSHOTS_DIR", "../docs/console")).toAbsolutePath().normalize();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("fsc.demo.enabled", "true");
        p.put("fsc.demo.credentials-file", scratch.resolve("demo-credentials.json").toString());
        return p;
    }

    @Test
    void screens() throws Exception {
        JsonNode demo = new ObjectMapper().readTree(scratch.resolve("demo-credentials.json").toFile());
        List<JsonNode> aarhus = new ArrayList<>();
        demo.get("devices").forEach(d -> {
            if ("aarhus".equals(d.get("organisation").asText())) {
                aarhus.add(d);
            }
        });
        // A week of ordinary readings from each, then one red and one yellow patient.
        for (int i = 0; i < aarhus.size(); i++) {
            JsonNode d = aarhus.get(i);
            try (TestDevice device = new TestDevice(TestInfrastructure.brokerUrl(), d.get("deviceId").asText(),
                    d.get("mqttUsername").asText(), d.get("mqttPassword").asText())) {
                for (int day = 7; day >= 1; day--) {
                    for (int hour : new int[] {8, 20}) {
                        long minutesAgo = day * 1440L - hour * 60L;
                        int spo2 = 94 + (day * 7 + hour + i) % 4;
                        int pulse = 68 + (day * 13 + hour + i * 5) % 15;
                        device.sendReading(UUID.randomUUID().toString(), minutesAgo, observation("spo2", spo2, "%"), Duration.ofSeconds(10));
                        device.sendReading(UUID.randomUUID().toString(), minutesAgo, observation("pulse", pulse, "/min"), Duration.ofSeconds(10));
                    }
                }
                if (i == 0) {
                    device.sendReading(UUID.randomUUID().toString(), 25, observation("spo2", 84, "%"), Duration.ofSeconds(10));
                    device.sendReading(UUID.randomUUID().toString(), 25, observation("pulse", 128, "/min"), Duration.ofSeconds(10));
                } else if (i == 1) {
                    device.sendReading(UUID.randomUUID().toString(), 70, observation("spo2", 91, "%"), Duration.ofSeconds(10));
                    // Two the gateway rejects, for the support screens' rejected messages: a wrong unit, a clock far ahead.
                    device.sendReading(UUID.randomUUID().toString(), 30, observation("spo2", 95, "mmHg"), Duration.ofSeconds(10));
                    device.sendReading(UUID.randomUUID().toString(), -3 * 1440, observation("pulse", 72, "/min"), Duration.ofSeconds(10));
                }
            }
        }

        Browser browser = browser();
        shoot(browser.open("/sign-in"), "sign-in");
        JsonNode nurse = null;
        for (JsonNode u : demo.get("users")) {
            if ("nurse.aarhus".equals(u.get("username").asText())) {
                nurse = u;
            }
        }
        browser.signIn(new Fixtures.Login(nurse.get("username").asText(), nurse.get("password").asText(), "aarhus"));
        if (!exists(browser, "/worklist")) {
            System.out.println("[screenshots] no /worklist on this build: skipped it and the screens behind it");
            return;
        }
        // The alerts are raised off the gateway's thread: wait (a while, not forever) for the red one.
        for (int i = 0; i < 100 && "0".equals(fixtures.text(
                "SELECT count(*) FROM alerts WHERE organisation_id = 'aarhus' AND severity = 'red' AND status = 'open'")); i++) {
            Thread.sleep(200);
        }
        browser.open("/worklist");
        browser.waitFor(Duration.ofSeconds(10), d -> "complete".equals(browser.script("return document.readyState")));
        shoot(browser, "worklist");

        // The chart: the first link from the worklist to a patient; then every other patient page it links to.
        String chart = browser.all("a[href^='/patients/']").stream().map(a -> a.getAttribute("href"))
                .map(h -> URI.create(h).getPath()).findFirst().orElse(null);
        if (chart == null) {
            System.out.println("[screenshots] the worklist links to no patient: no chart taken");
            return;
        }
        browser.open(chart);
        shoot(browser, "chart");
        Map<String, String> more = new LinkedHashMap<>();
        for (WebElement a : browser.all("a[href^='/patients/']")) {
            String path = URI.create(a.getAttribute("href")).getPath();
            if (!path.equals(chart) && path.startsWith(chart + "/")) {
                String name = path.substring(chart.length() + 1).replaceAll("[^A-Za-z0-9]+", "-");
                more.putIfAbsent(name, path);
            }
        }
        for (Map.Entry<String, String> screen : more.entrySet()) {
            if (exists(browser, screen.getValue())) {
                shoot(browser.open(screen.getValue()), screen.getKey());
            } else {
                System.out.println("[screenshots] " + screen.getValue() + " is not there (404): skipped");
            }
        }
        supportScreens(demo);
        // loans screens (FSC support)
        loanScreens(demo);
        // catalogue screen (FSC administrator)
        catalogueScreen(demo);
        // organisation administration screens
        organisationScreens(demo);
        // the citizen's screen
        citizenScreen();
        // the wound workflow: the nurses' wound page and the clinic's queue and referral
        woundScreens(demo);
    }

    /** Karen's wound page as the Aarhus nurse sees it, and the wound clinic's queue and the open referral as its specialist sees them. */
    private void woundScreens(JsonNode demo) throws Exception {
        JsonNode nurse = null;
        JsonNode specialist = null;
        for (JsonNode u : demo.get("users")) {
            if ("nurse.aarhus".equals(u.get("username").asText())) {
                nurse = u;
            }
            if ("wound_specialist".equals(u.get("role").asText())) {
                specialist = u;
            }
        }
        String karen = fixtures.text("SELECT patient_id::text FROM wounds ORDER BY created_at LIMIT 1");
        if (nurse == null || specialist == null || karen == null) {
            System.out.println("[screenshots] the demo has no wound, nurse or specialist: no wound screens taken");
            return;
        }
        Browser browser = browser().signIn(new Fixtures.Login(nurse.get("username").asText(), nurse.get("password").asText(), "aarhus"));
        shoot(browser.open("/patients/" + karen + "/wounds"), "wounds");
        Browser clinic = browser().signIn(new Fixtures.Login(specialist.get("username").asText(), specialist.get("password").asText(), "clinic"));
        shoot(clinic.open("/referrals"), "referrals");
        String referral = fixtures.text("SELECT id::text FROM wound_referrals WHERE status <> 'closed' ORDER BY referred_at LIMIT 1");
        if (referral != null) {
            shoot(clinic.open("/referrals/" + referral), "referral");
        }
    }

    /** FSC support's screens, signed in as the demo's support user: the devices and the first device's page. */
    private void supportScreens(JsonNode demo) throws Exception {
        JsonNode support = null;
        for (JsonNode u : demo.get("users")) {
            if ("fsc_support".equals(u.get("role").asText())) {
                support = u;
            }
        }
        if (support == null) {
            System.out.println("[screenshots] the demo has no support user: no support screens taken");
            return;
        }
        Browser browser = browser().signIn(new Fixtures.Login(support.get("username").asText(), support.get("password").asText(), "fsc"));
        if (!exists(browser, "/devices")) {
            System.out.println("[screenshots] no /devices on this build: skipped the support screens");
            return;
        }
        // A few tickets for the board: one to own soon, one pending (its clocks paused), one past its time to own.
        fixtures.update("""
                INSERT INTO tickets (title, urgency, impact, priority, organisation_id, device_id, calendar, own_target_s, resolve_target_s,
                                     own_consumed_s, clock_since, state, assignee, created_by)
                VALUES ('Pulsoximeter tavs i 3 døgn', 3, 3, 3, 'aarhus', 'DEMO-OX-HOR-1', '24/7', 14400, 172800, 3000, now(), 'new', NULL, 'demo'),
                       ('Borger kan ikke parre vægten', 2, 3, 2, 'aarhus', NULL, '24/7', 28800, 432000, 600, NULL, 'pending', 'support.fsc', 'demo'),
                       ('Batteri lavt, ombytning', 4, 4, 4, 'aarhus', 'DEMO-OX-RAN-2', '24/7', 3600, 86400, 4000, now(), 'new', NULL, 'demo')""");
        shoot(browser.open("/devices"), "devices");
        String device = browser.all("#devices-table tbody a[href^='/devices/']").stream().map(a -> URI.create(a.getAttribute("href")).getPath())
                .findFirst().orElse(null);
        if (device != null) {
            shoot(browser.open(device), "device");
        }
        for (String screen : List.of("scan", "quarantine", "tickets", "reports")) {
            if (exists(browser, "/" + screen)) {
                shoot(browser.open("/" + screen), screen);
            }
        }
    }

    /** Support's loans: the list, a loan, its shipping page, the calendar; and registering a device. */
    private void loanScreens(JsonNode demo) throws Exception {
        JsonNode support = null;
        for (JsonNode u : demo.get("users")) {
            if ("fsc_support".equals(u.get("role").asText())) {
                support = u;
            }
        }
        if (support == null) {
            return;
        }
        Browser browser = browser().signIn(new Fixtures.Login(support.get("username").asText(), support.get("password").asText(), "fsc"));
        if (!exists(browser, "/loans")) {
            System.out.println("[screenshots] no /loans on this build: skipped the loan screens");
            return;
        }
        // One loan due back soon and one overdue, so the list and the calendar have something to show.
        fixtures.update("""
                UPDATE loans SET due_on = danish_today() + 4 WHERE id = (SELECT id FROM loans WHERE status = 'active' ORDER BY device_id LIMIT 1)""");
        fixtures.update("""
                UPDATE loans SET due_on = danish_today() - 2 WHERE id = (SELECT id FROM loans WHERE status = 'active' ORDER BY device_id DESC LIMIT 1)""");
        shoot(browser.open("/loans"), "loans");
        String loan = browser.all("#loans-table tbody a[href^='/loans/']").stream().map(a -> URI.create(a.getAttribute("href")).getPath())
                .findFirst().orElse(null);
        if (loan != null) {
            shoot(browser.open(loan), "loan");
            shoot(browser.open(loan + "/shipping"), "loan-shipping");
        }
        shoot(browser.open("/loans/calendar"), "loans-calendar");
        shoot(browser.open("/devices/new"), "device-new");
    }

    /** The organisation administrator's screens, signed in as the demo's administrator in Aarhus: alert settings and a citizen's access log. */
    private void organisationScreens(JsonNode demo) throws Exception {
        JsonNode admin = null;
        for (JsonNode u : demo.get("users")) {
            if ("org_admin".equals(u.get("role").asText())) {
                admin = u;
            }
        }
        if (admin == null) {
            System.out.println("[screenshots] the demo has no organisation administrator: no organisation screens taken");
            return;
        }
        Browser browser = browser().signIn(new Fixtures.Login(admin.get("username").asText(), admin.get("password").asText(),
                admin.get("organisation").asText()));
        if (!exists(browser, "/organisation")) {
            System.out.println("[screenshots] no /organisation on this build: skipped the organisation screens");
            return;
        }
        shoot(browser.open("/organisation"), "organisation");
        // The citizen the nurse's screens above looked at most: their access log has lines to show.
        String patient = fixtures.text("""
                SELECT p.id FROM patients p LEFT JOIN access_log l ON l.patient_id = p.id
                 WHERE p.organisation_id = ? GROUP BY p.id ORDER BY count(l.id) DESC, p.id LIMIT 1""", admin.get("organisation").asText());
        shoot(browser.open("/access-log?patient=" + patient), "access-log");
    }

    /**
     * The citizen's page, for the demo's first citizen in Aarhus (Karen Demo Jensen, fictitious CPR
     * number of demo/DemoCatalogue): a citizen signs in only through the region's provider, so the
     * session is opened here as the provider's callback opens it, and its cookie given to the browser.
     */
    private void citizenScreen() throws Exception {
        ConsoleSessions.Opened opened = sessions.open("mitid-demo-karen", "citizen", "", "oidc", "0101401111");
        Browser browser = browser().open("/sign-in");
        browser.driver().manage().addCookie(new org.openqa.selenium.Cookie("fsc_session", opened.cookieValue(), "/"));
        if (!exists(browser, "/my-data")) {
            System.out.println("[screenshots] no /my-data on this build: skipped the citizen's screen");
            return;
        }
        shoot(browser.open("/my-data"), "my-data");
    }

    /** The catalogue as the demo's FSC administrator sees it (with the forms to change it). */
    private void catalogueScreen(JsonNode demo) throws Exception {
        JsonNode admin = null;
        for (JsonNode u : demo.get("users")) {
            if ("fsc_admin".equals(u.get("role").asText())) {
                admin = u;
            }
        }
        if (admin == null) {
            System.out.println("[screenshots] the demo has no FSC administrator: no catalogue screen taken");
            return;
        }
        Browser browser = browser().signIn(new Fixtures.Login(admin.get("username").asText(), admin.get("password").asText(), "fsc"));
        if (exists(browser, "/catalogue")) {
            shoot(browser.open("/catalogue"), "catalogue");
        } else {
            System.out.println("[screenshots] no /catalogue on this build: skipped");
        }
    }

    private static String observation(String type, int value, String unit) {
        return "{\"type\":\"" + type + "\",\"value\":" + value + ",\"unit\":\"" + unit + "\"}";
    }

    /** Whether a page answers at all for the signed-in browser (its cookie, asked outside the browser). */
    private boolean exists(Browser browser, String path) throws Exception {
        String cookie = browser.driver().manage().getCookieNamed("fsc_session").getValue();
        HttpResponse<Void> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .header("Cookie", "fsc_session=" + cookie).header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.discarding());
        return answer.statusCode() != 404;
    }

    private void shoot(Browser browser, String name) throws InterruptedException {
        // Let charts draw and the live stream settle: these are pictures, not assertions.
        Thread.sleep(1500);
        browser.screenshot(out.resolve(name + ".png"));
        System.out.println("[screenshots] " + out.resolve(name + ".png"));
    }
}
