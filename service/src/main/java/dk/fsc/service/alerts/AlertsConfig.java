package dk.fsc.service.alerts;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;
import java.time.ZoneId;

/** Settings of early warning and alerts, under {@code fsc.alerts} (documented in application.yml). */
@ConfigurationProperties("fsc.alerts")
public class AlertsConfig {
    /** Evaluate new readings in this process. */
    private boolean evaluationEnabled = true;
    /** Worker threads claiming evaluation requests. */
    private int workers = 2;
    /**
     * While this process's gateway is behind its broker, how long a patient without a value at a
     * red limit waits before its evaluation (zero: not at all); urgent patients are evaluated at once.
     */
    private Duration deferWhileGatewayBehind = Duration.ofSeconds(10);
    /** How old a value may be and still count in TOBS. */
    private Duration tobsWindow = Duration.ofHours(24);
    /** Delay before an unacknowledged red alert escalates, when the organisation configured none. */
    private Duration redEscalationDelay = Duration.ofMinutes(15);
    /** Weight gain (kg) within the period that raises a yellow alert. */
    private double weightGainKg = 2.0;
    private Duration weightGainPeriod = Duration.ofDays(3);
    /** Time zone of measurement schedules and their 23:59 deadlines. */
    private String timeZone = "Europe/Copenhagen";

    public boolean isEvaluationEnabled() { return evaluationEnabled; }
    public void setEvaluationEnabled(boolean evaluationEnabled) { this.evaluationEnabled = evaluationEnabled; }
    public int getWorkers() { return workers; }
    public void setWorkers(int workers) { this.workers = workers; }
    public Duration getDeferWhileGatewayBehind() { return deferWhileGatewayBehind; }
    public void setDeferWhileGatewayBehind(Duration deferWhileGatewayBehind) { this.deferWhileGatewayBehind = deferWhileGatewayBehind; }
    public Duration getTobsWindow() { return tobsWindow; }
    public void setTobsWindow(Duration tobsWindow) { this.tobsWindow = tobsWindow; }
    public Duration getRedEscalationDelay() { return redEscalationDelay; }
    public void setRedEscalationDelay(Duration redEscalationDelay) { this.redEscalationDelay = redEscalationDelay; }
    public double getWeightGainKg() { return weightGainKg; }
    public void setWeightGainKg(double weightGainKg) { this.weightGainKg = weightGainKg; }
    public Duration getWeightGainPeriod() { return weightGainPeriod; }
    public void setWeightGainPeriod(Duration weightGainPeriod) { this.weightGainPeriod = weightGainPeriod; }
    public String getTimeZone() { return timeZone; }
    public void setTimeZone(String timeZone) { this.timeZone = timeZone; }

    public ZoneId zone() {
        return ZoneId.of(timeZone);
    }
}
