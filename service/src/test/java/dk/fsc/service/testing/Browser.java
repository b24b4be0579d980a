package dk.fsc.service.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; Selenium
 * downloads nothing) pointed at the service under test. {@code FSC_TEST_CHROMIUM} and
 * {@code FSC_TEST_CHROMEDRIVER} name other binaries. When there is no browser the test fails with
 * what to install: {@code .ci/run} installs it.
 */
public final class Browser implements AutoCloseable {
    private static final Path FAILURES = Path.of("target", "browser-failures");
    /**
     * Browsers closed by a test, as new again (see {@link #close}), for the next: starting a
     * Chromium takes about 2 s on two cores and the console's tests open some 60 of them.
     */
    private static final Deque<ChromeDriver> IDLE = new ArrayDeque<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Browser::quitIdle, "quit-idle-browsers"));
    }

    private final ChromeDriver driver;
    private final String base;
    /** Closed once only: a second close must not give the same browser to two later tests. */
    private boolean closed;

    public Browser(String baseUrl) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.driver = take();
    }

    private static ChromeDriver take() {
        synchronized (IDLE) {
            ChromeDriver idle = IDLE.poll();
            if (idle != null) {
                return idle;
            }
        }
        return start();
    }

    private static void quitIdle() {
        synchronized (IDLE) {
            IDLE.forEach(ChromeDriver::quit);
            IDLE.clear();
        }
    }

    private static ChromeDriver start() {
        String chromium = env("FSC_TEST_CHROMIUM", "/usr/bin/chromium");
        String chromedriver = env("FSC_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
        if (!Files.isExecutable(Path.of(chromium)) || !Files.isExecutable(Path.of(chromedriver))) {
            fail("The console's browser tests need Chromium and its driver: apt-get install chromium chromium-driver "
                    + "(.ci/run installs them), or set FSC_TEST_CHROMIUM and FSC_TEST_CHROMEDRIVER. Looked for "
                    + chromium + " and " + chromedriver + ".");
        }
        System.setProperty("SE_OFFLINE", "true");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--disable-gpu", "--lang=da-DK", "--disable-search-engine-choice-screen");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(chromedriver).toFile())
                .usingAnyFreePort().build();
        ChromeDriver d = new ChromeDriver(service, options);
        d.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return d;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    public WebDriver driver() {
        return driver;
    }

    public Browser open(String path) {
        driver.get(base + path);
        return this;
    }

    public String path() {
        String url = driver.getCurrentUrl();
        return url.startsWith(base) ? url.substring(base.length()) : url;
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /**
     * Waits until the condition holds. An element the condition found can go stale when the page
     * it was on is replaced in the meantime (a form's post and redirect): that is "not yet", asked again.
     */
    public <T> T waitFor(Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(50)).ignoring(StaleElementReferenceException.class).until(condition);
    }

    /**
     * Clicks a form's button and waits until the page it was on has been replaced by the answer.
     * Waiting only for an element the answer has would return at once when the page before had
     * it too (a second try at a form that had problems), and the test would read the old page.
     * Chrome tells a replaced page either as a stale element or, when asked while the old document
     * is being taken down, as "Node with given id does not belong to the document" (a fresh-clone
     * run failed on that): both mean it is gone.
     */
    public void submit(String buttonCss) {
        WebElement before = driver.findElement(By.tagName("html"));
        find(buttonCss).click();
        new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(50)).until(d -> {
            try {
                before.isEnabled();
                return false;
            } catch (StaleElementReferenceException gone) {
                return true;
            } catch (org.openqa.selenium.WebDriverException e) {
                if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
                    return true;
                }
                throw e;
            }
        });
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Signs in through the form and waits until the console's page after it has loaded. */
    public Browser signIn(Fixtures.Login login) {
        open("/sign-in");
        find("#username").sendKeys(login.username());
        find("#password").sendKeys(login.password());
        find("#sign-in-form button[type=submit]").click();
        waitFor(Duration.ofSeconds(10), d -> !path().startsWith("/sign-in"));
        return this;
    }

    /**
     * Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is now and fails on any serious or
     * critical violation, naming each with the elements it found.
     */
    @SuppressWarnings("unchecked")
    public void assertAccessible() {
        script(axeSource());
        Map<String, Object> result = (Map<String, Object>) ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
                        + ".then(r => done({violations: r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
                        + ".map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '))}))"
                        + ".catch(e => done({violations: ['axe failed: ' + e]}));");
        List<String> violations = (List<String>) result.get("violations");
        assertEquals(List.of(), violations, "axe-core found serious or critical violations on " + path());
    }

    private static String axe;

    private static synchronized String axeSource() {
        if (axe == null) {
            try (InputStream in = Browser.class.getResourceAsStream("/axe/axe.min.js")) {
                axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return axe;
    }

    /** Keeps a screenshot and the page's HTML under target/browser-failures/ for a failed test. */
    public void saveFailure(String name) {
        try {
            Files.createDirectories(FAILURES);
            String safe = name.replaceAll("[^A-Za-z0-9_.-]", "_");
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Files.write(FAILURES.resolve(safe + ".png"), png);
            Files.writeString(FAILURES.resolve(safe + ".html"), driver.getPageSource());
        } catch (IOException | RuntimeException e) {
            System.err.println("Could not save the browser's state for " + name + ": " + e);
        }
    }

    /** A screenshot at this path (docs/console.md's pictures). */
    public void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Leaves the page and forgets the person: every cookie, the service's storage of every kind
     * and the HTTP cache, so the next test's browser is as a new one; then keeps it for that test.
     * A browser that cannot be reset (a dialog left open, a crashed tab) is quit instead.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            driver.get("about:blank");
            driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
            driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
            driver.executeCdpCommand("Storage.clearDataForOrigin", Map.of("origin", base, "storageTypes", "all"));
        } catch (RuntimeException e) {
            driver.quit();
            return;
        }
        synchronized (IDLE) {
            IDLE.push(driver);
        }
    }
}
