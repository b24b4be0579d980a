package dk.fsc.gateway.contract;

import java.util.List;

/**
 * A device's answers to one {@link Questionnaire}, every item answered once, in the
 * questionnaire's order (decoded and checked by {@link ReadingDecoder}).
 */
public record Answers(Questionnaire questionnaire, List<Answer> answers) {

    /** One item's answer. */
    public record Answer(Questionnaire.Item item, Questionnaire.Option option) {
    }

    /** The sum of the answers' points (the CAT total). */
    public int points() {
        return answers.stream().mapToInt(a -> a.option().points()).sum();
    }

    /** Whether an answer is of red severity: the patient is put first in the evaluation queue, as for a red value. */
    public boolean anyRed() {
        return answers.stream().anyMatch(a -> a.option().severity() == Questionnaire.Severity.RED);
    }
}
