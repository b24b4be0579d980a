package dk.fsc.service.console.citizen;

import java.util.List;
import java.util.Map;

/**
 * The access log's actions and purposes (written for staff and auditors, in English) as message
 * keys of the citizen's page: an action by its beginning ("read alert 12" is "read alert"), the
 * longest first; one this list does not know is shown as it was written.
 */
final class PlainWords {
    private record Word(String prefix, String key) {
    }

    private static final List<Word> ACTIONS = List.of(
            new Word("read long monitoring pauses", "pauses"),
            new Word("read monitoring pauses", "pauses"),
            new Word("read shipping details of loan", "shipping"),
            new Word("read quarantined message", "quarantine"),
            new Word("read missed measurements", "missed"),
            new Word("read devices on loan", "devices"),
            new Word("read alert worklist", "worklist"),
            new Word("alert stream event", "worklist"),
            new Word("read patient record", "patientRecord"),
            new Word("export patient record", "export"),
            new Word("change contact details", "contact"),
            new Word("find patient by CPR", "findByCpr"),
            new Word("record observations", "recordObservations"),
            new Word("reset thresholds for", "setThresholds"),
            new Word("set thresholds for", "setThresholds"),
            new Word("acknowledge alert", "acknowledge"),
            new Word("register patient", "register"),
            new Word("comment on alert", "comment"),
            new Word("read early warning", "earlyWarning"),
            new Word("read ticket list", "ticket"),
            new Word("pause monitoring", "pause"),
            new Word("end monitoring pause", "pauseEnded"),
            new Word("cancel monitoring pause", "pauseEnded"),
            new Word("move ticket", "ticketChange"),
            new Word("comment on ticket", "ticketChange"),
            new Word("report adverse event on ticket", "ticketChange"),
            new Word("order loan", "loanChange"),
            new Word("ship loan", "loanChange"),
            new Word("cancel loan", "loanChange"),
            new Word("hand over loan", "loanChange"),
            new Word("request return of loan", "loanChange"),
            new Word("end loan", "loanChange"),
            new Word("printed shipping page of loan", "shipping"),
            new Word("read access log", "accessLog"),
            new Word("read photo record", "photos"),
            new Word("read thresholds", "thresholds"),
            new Word("set monitoring", "setMonitoring"),
            new Word("read loan list", "loans"),
            new Word("read loan ", "devices"),
            new Word("resolve alert", "resolve"),
            new Word("read readings", "readings"),
            new Word("read questionnaire answers", "answers"),
            new Word("assign alert", "assign"),
            new Word("read ticket", "ticket"),
            new Word("open ticket", "openTicket"),
            new Word("list photos", "photos"),
            new Word("view photo", "photos"),
            new Word("read alert", "alert"),
            new Word("list wounds", "wounds"),
            new Word("read wound consent", "consent"),
            new Word("record wound consent", "consent"),
            new Word("withdraw wound consent", "consent"),
            new Word("read wound", "wounds"),
            new Word("view wound photo", "photos"),
            new Word("list wound photos", "photos"),
            new Word("upload wound photo", "woundPhoto"),
            new Word("register wound", "woundChange"),
            new Word("change wound", "woundChange"),
            new Word("record wound measurement", "woundChange"),
            new Word("refer wound", "referral"),
            new Word("read referral", "referral"),
            new Word("ask clinic again", "referral"),
            new Word("close referral", "referral"),
            new Word("assess wound", "assessment"));
    private static final Map<String, String> PURPOSES = Map.of("care", "care", "logistics", "logistics", "support", "support",
            "operations", "operations", "wound assessment", "woundAssessment");

    private PlainWords() {
    }

    /** The message key of the action in plain words, or null when it has none. */
    static String action(String action) {
        for (Word w : ACTIONS.stream().sorted((a, b) -> b.prefix().length() - a.prefix().length()).toList()) {
            if (action.startsWith(w.prefix())) {
                return "myData.action." + w.key();
            }
        }
        return null;
    }

    /** The message key of a purpose the services write, or null for one a caller stated in words of its own. */
    static String purpose(String purpose) {
        String key = PURPOSES.get(purpose);
        return key == null ? null : "myData.purpose." + key;
    }
}
