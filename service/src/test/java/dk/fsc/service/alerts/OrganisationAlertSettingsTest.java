package dk.fsc.service.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dk.fsc.service.alerts.AlertSettings.Level;
import dk.fsc.service.alerts.AlertSettings.Policy;
import dk.fsc.service.alerts.OrganisationAlertSettings.Problem;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one set of rules for a response policy and an escalation chain, as the API and the console's page both apply them. */
class OrganisationAlertSettingsTest {

    @Test
    void acceptsTheDefaultPolicyAndAStrictOne() {
        assertEquals(List.of(), OrganisationAlertSettings.problems(new Policy("fsc-default-v1", 1, 3, true)));
        assertEquals(List.of(), OrganisationAlertSettings.problems(new Policy("strict", 2, 2, false)));
    }

    @Test
    void namesEveryFieldAtFault() {
        assertEquals(List.of("name:required", "yellowFromTotal:range", "redFromTotal:range"),
                codes(OrganisationAlertSettings.problems(new Policy(" ", 0, 16, true))));
        assertEquals(List.of("name:tooLong"), codes(OrganisationAlertSettings.problems(new Policy("x".repeat(61), 1, 3, true))));
    }

    @Test
    void refusesRedBelowYellowAsTheScoringDoes() {
        List<Problem> problems = OrganisationAlertSettings.problems(new Policy("p", 4, 3, true));
        assertEquals(List.of("redFromTotal:redBelowYellow"), codes(problems));
        assertEquals("need 1 <= yellowFromTotal <= redFromTotal <= 15", problems.get(0).message());
    }

    @Test
    void aChainIsNumberedFromOneWithANameAndADelayPerLevel() {
        assertEquals(List.of(), OrganisationAlertSettings.problems(List.of(new Level(1, "coordinator", 15), new Level(2, "doctor", 1440))));
        assertEquals(List.of(), OrganisationAlertSettings.problems(List.of()));
        assertEquals(List.of("levels:numbering"), codes(OrganisationAlertSettings.problems(List.of(new Level(2, "x", 5)))));
        assertEquals(List.of("level-1-name:required", "level-2-delay:range"),
                codes(OrganisationAlertSettings.problems(List.of(new Level(1, "", 5), new Level(2, "doctor", 1441)))));
    }

    @Test
    void aChainHasAtMostTwentyLevels() {
        List<Level> levels = new ArrayList<>();
        for (int i = 1; i <= 21; i++) {
            levels.add(new Level(i, "level " + i, 5));
        }
        assertEquals(List.of("levels:tooMany"), codes(OrganisationAlertSettings.problems(levels)));
        assertEquals(List.of(), OrganisationAlertSettings.problems(levels.subList(0, 20)));
    }

    private static List<String> codes(List<Problem> problems) {
        return problems.stream().map(p -> p.field() + ":" + p.code()).toList();
    }
}
