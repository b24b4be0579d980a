package dk.fsc.gateway;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** Settings of the MQTT ingest, under {@code fsc.gateway}; each is documented in application.yml. */
@ConfigurationProperties("fsc.gateway")
public class GatewayConfig {
    /** Whether this process subscribes to device topics at all. */
    private boolean enabled = false;
    /** Broker address, e.g. tcp://127.0.0.1:1883. */
    private String brokerUrl = "tcp://127.0.0.1:1883";
    /** Client id of the persistent session; every gateway process needs its own. */
    private String clientId = "fsc-gateway-1";
    private String username;
    private String password;
    /**
     * Shared-subscription group; gateways in one group split the device traffic. Empty: a plain
     * subscription, for a single gateway on a broker that forgets shared subscriptions on restart.
     */
    private String shareGroup = "fsc-gateways";
    /** How long the broker keeps our session (and queued messages) while we are away. */
    private Duration sessionExpiry = Duration.ofDays(7);
    /** Unacknowledged messages the broker may send us at once: bounds memory in a burst. */
    private int receiveMaximum = 2000;
    /** Most bytes of received, not yet committed messages held at once (photos are up to 24 MiB each). */
    private long maxInFlightBytes = 256L * 1024 * 1024;
    /** Most messages committed in one transaction. */
    private int batchSize = 500;
    /** How far ahead of the server clock a device's measuredAt may be. */
    private Duration futureTolerance = Duration.ofMinutes(5);
    /** How old a reading may be when it arrives (devices send backlogs after being offline). */
    private Duration backlogWindow = Duration.ofDays(30);
    /**
     * Messages per second one device may send, sustained (0: no limit); more are refused with
     * RATE_LIMITED and kept in quarantine. Devices send a few a day; this stops a runaway one.
     */
    private double deviceRate = 10;
    /** Messages one device may send at once before the rate applies (a backlog sent one reading per message). */
    private int deviceBurst = 1000;
    /**
     * Where the broker publishes its count of dropped messages (Mosquitto's $SYS); empty: not read
     * (the embedded broker reports its own).
     */
    private String brokerDropsTopic = "$SYS/broker/publish/messages/dropped";
    /**
     * Quarantine rows one device may fill per {@link #quarantineQuotaWindow}; beyond them (or the
     * bytes) its rejected messages are refused with QUARANTINE_QUOTA_EXCEEDED and not kept.
     */
    private int quarantineQuotaRows = 2000;
    /** Payload bytes one device may put in the quarantine per window (oversize payloads count their kept prefix). */
    private long quarantineQuotaBytes = 32L * 1024 * 1024;
    /** The window of the quarantine quota. */
    private Duration quarantineQuotaWindow = Duration.ofHours(24);

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getBrokerUrl() { return brokerUrl; }
    public void setBrokerUrl(String brokerUrl) { this.brokerUrl = brokerUrl; }
    public String getBrokerDropsTopic() { return brokerDropsTopic; }
    public void setBrokerDropsTopic(String brokerDropsTopic) { this.brokerDropsTopic = brokerDropsTopic; }
    public String getClientId() { return clientId; }
    public void setClientId(String clientId) { this.clientId = clientId; }
    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public String getShareGroup() { return shareGroup; }
    public void setShareGroup(String shareGroup) { this.shareGroup = shareGroup; }
    public Duration getSessionExpiry() { return sessionExpiry; }
    public void setSessionExpiry(Duration sessionExpiry) { this.sessionExpiry = sessionExpiry; }
    public int getReceiveMaximum() { return receiveMaximum; }
    public void setReceiveMaximum(int receiveMaximum) { this.receiveMaximum = receiveMaximum; }
    public long getMaxInFlightBytes() { return maxInFlightBytes; }
    public void setMaxInFlightBytes(long maxInFlightBytes) { this.maxInFlightBytes = maxInFlightBytes; }
    public int getBatchSize() { return batchSize; }
    public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
    public Duration getFutureTolerance() { return futureTolerance; }
    public void setFutureTolerance(Duration futureTolerance) { this.futureTolerance = futureTolerance; }
    public Duration getBacklogWindow() { return backlogWindow; }
    public void setBacklogWindow(Duration backlogWindow) { this.backlogWindow = backlogWindow; }
    public double getDeviceRate() { return deviceRate; }
    public void setDeviceRate(double deviceRate) { this.deviceRate = deviceRate; }
    public int getDeviceBurst() { return deviceBurst; }
    public void setDeviceBurst(int deviceBurst) { this.deviceBurst = deviceBurst; }
    public int getQuarantineQuotaRows() { return quarantineQuotaRows; }
    public void setQuarantineQuotaRows(int quarantineQuotaRows) { this.quarantineQuotaRows = quarantineQuotaRows; }
    public long getQuarantineQuotaBytes() { return quarantineQuotaBytes; }
    public void setQuarantineQuotaBytes(long quarantineQuotaBytes) { this.quarantineQuotaBytes = quarantineQuotaBytes; }
    public Duration getQuarantineQuotaWindow() { return quarantineQuotaWindow; }
    public void setQuarantineQuotaWindow(Duration quarantineQuotaWindow) { this.quarantineQuotaWindow = quarantineQuotaWindow; }
}
