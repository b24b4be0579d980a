package dk.fsc.service.console.admin;

/** A row of the escalation chain's form as typed: its number (from 1), who it goes to, the delay in minutes as text. */
public record LevelRow(int number, String name, String delay) {
    boolean blank() {
        return name.isBlank() && delay.isBlank();
    }
}
