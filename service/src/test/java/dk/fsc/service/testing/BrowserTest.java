package dk.fsc.service.testing;

import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Base of the console's browser tests: the service as in {@link IntegrationTest}, and browsers
 * (one per person in the test) that are closed after it. A failed test leaves a screenshot and
 * the HTML of each of its browsers in target/browser-failures/.
 */
public abstract class BrowserTest extends IntegrationTest {
    @Inject
    protected EmbeddedServer server;
    protected final Fixtures fixtures = new Fixtures();
    private final List<Browser> open = new ArrayList<>();

    @RegisterExtension
    final TestWatcher failures = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            for (int i = 0; i < open.size(); i++) {
                open.get(i).saveFailure(context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName() + "-" + i);
            }
            closeAll();
        }

        @Override
        public void testSuccessful(ExtensionContext context) {
            closeAll();
        }

        @Override
        public void testAborted(ExtensionContext context, Throwable cause) {
            closeAll();
        }
    };

    /** A new browser window (its own cookies: another person) on the service under test. */
    protected Browser browser() {
        Browser b = new Browser(server.getURL().toString());
        open.add(b);
        return b;
    }

    private void closeAll() {
        open.forEach(Browser::close);
        open.clear();
    }

    @AfterAll
    void closeLeftovers() {
        closeAll();
    }
}
