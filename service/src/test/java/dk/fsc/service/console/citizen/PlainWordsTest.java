package dk.fsc.service.console.citizen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every access-log action the code writes reaches the citizen in plain words, not in the staff's English. */
class PlainWordsTest {
    /** The action: the third argument of a call that writes an access-log line, where it starts with a literal. */
    private static final Pattern RECORD = Pattern.compile(
            "(?:accessLog\\.record(?:Each)?|AccessLogEntry\\.of)\\(\\s*[^,()]+(?:\\([^()]*\\))?,\\s*[^,()]+(?:\\([^()]*\\))?,\\s*\"([^\"]+)\"");

    @Test
    void everyActionWrittenHasPlainWords() throws IOException {
        TreeSet<String> actions = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = RECORD.matcher(Files.readString(f));
                while (m.find()) {
                    actions.add(m.group(1));
                }
            }
        }
        assertTrue(actions.size() >= 30, "found only " + actions + ": the pattern no longer matches the calls");
        List<String> unknown = actions.stream().filter(a -> PlainWords.action(a) == null).toList();
        assertEquals(List.of(), unknown, "actions the citizen would read in the staff's English: add them to PlainWords");
    }

    /** Actions written with a variable part (the pattern above sees only literals): a ticket's or a loan's change, a pause ended. */
    @Test
    void actionsBuiltFromTheirObjectHavePlainWordsToo() {
        for (String action : List.of("move ticket 12", "comment on ticket 12", "report adverse event on ticket 12", "order loan 7f0c",
                "ship loan 7f0c", "cancel loan 7f0c", "hand over loan 7f0c", "request return of loan 7f0c", "end loan 7f0c",
                "printed shipping page of loan 7f0c", "end monitoring pause", "cancel monitoring pause")) {
            assertTrue(PlainWords.action(action) != null, action + " reaches the citizen in the staff's English");
        }
        assertEquals("myData.action.shipping", PlainWords.action("printed shipping page of loan 7f0c"));
    }

    @Test
    void aFhirReadIsTheSameWordsAsTheApisRead() {
        assertEquals(PlainWords.action("read readings"), PlainWords.action("read readings (FHIR)"));
        assertEquals(PlainWords.action("read patient record"), PlainWords.action("read patient record (FHIR)"));
    }
}
