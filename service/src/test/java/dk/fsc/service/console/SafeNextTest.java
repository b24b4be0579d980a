package dk.fsc.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** After signing in the console goes back to where the person was, and never to another site. */
class SafeNextTest {

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "/worklist?status=open, /worklist?status=open",
            "/patients/2f5bc218-50e6-31b1-992f-9a96fea50ad7, /patients/2f5bc218-50e6-31b1-992f-9a96fea50ad7",
            "https://evil.example/, /",
            "//evil.example/, /",
            "/\\evil.example, /",
            "/sign-in?next=/x, /",
            "null, /",
            "worklist, /"})
    void goesBackOnlyToAPathOfThisConsole(String next, String expected) {
        assertEquals(expected, SignInController.safeNext(next));
    }
}
