package dev.cipherline.relay;

import java.time.Duration;

/**
 * How the relay is operated: its admin listener (metrics, health, admin API) who may register, how
 * many devices an account may have, and how often expired envelopes are swept.
 *
 * @param adminHost the admin listener's address, or null when it is off
 * @param adminPort the admin listener's port; 0 picks a free one
 * @param registration who may register a device
 * @param maxDevices the most devices one account may have (1..127)
 * @param sweepInterval how often the relay deletes expired envelopes and records their expiry
 *     notices (10 ms..1 day)
 */
public record Operations(
        String adminHost,
        int adminPort,
        RegistrationPolicy registration,
        int maxDevices,
        Duration sweepInterval) {

    /** The default of {@code --max-devices}. */
    public static final int DEFAULT_MAX_DEVICES = 10;

    /** The default of {@code --sweep-interval}. */
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(1);

    /** The defaults of the command line: admin on 127.0.0.1:7401, registration open. */
    public static final Operations DEFAULT =
            new Operations("127.0.0.1", 7401, RegistrationPolicy.OPEN);

    /** No admin listener, registration open: for relays embedded in tests and tools. */
    public static final Operations EMBEDDED = new Operations(null, 0, RegistrationPolicy.OPEN);

    /** Checks every value. */
    public Operations {
        if (adminHost != null && adminHost.isBlank()) {
            throw new IllegalArgumentException("The admin listen host must not be empty.");
        }
        if (adminPort < 0 || adminPort > 65535) {
            throw new IllegalArgumentException("The admin listen port must be 0..65535.");
        }
        if (registration == null) {
            throw new IllegalArgumentException("a registration policy must be given");
        }
        if (maxDevices < 1 || maxDevices > 127) {
            throw new IllegalArgumentException("--max-devices must be 1..127.");
        }
        if (sweepInterval == null
                || sweepInterval.compareTo(Duration.ofMillis(10)) < 0
                || sweepInterval.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("--sweep-interval must be 10ms..1d.");
        }
    }

    /** Operations with at most {@code maxDevices} devices per account and a sweep a minute. */
    public Operations(
            String adminHost, int adminPort, RegistrationPolicy registration, int maxDevices) {
        this(adminHost, adminPort, registration, maxDevices, DEFAULT_SWEEP_INTERVAL);
    }

    /** Operations with at most {@link #DEFAULT_MAX_DEVICES} devices per account. */
    public Operations(String adminHost, int adminPort, RegistrationPolicy registration) {
        this(adminHost, adminPort, registration, DEFAULT_MAX_DEVICES);
    }

    /** Whether the admin listener is on. */
    public boolean adminEnabled() {
        return adminHost != null;
    }

    /** These operations with another admin listener address (null host: off). */
    public Operations withAdmin(String host, int port) {
        return new Operations(host, port, registration, maxDevices, sweepInterval);
    }

    /** These operations with another registration policy. */
    public Operations withRegistration(RegistrationPolicy policy) {
        return new Operations(adminHost, adminPort, policy, maxDevices, sweepInterval);
    }

    /** These operations with another device limit per account. */
    public Operations withMaxDevices(int max) {
        return new Operations(adminHost, adminPort, registration, max, sweepInterval);
    }

    /** These operations sweeping expired envelopes every {@code interval}. */
    public Operations withSweepInterval(Duration interval) {
        return new Operations(adminHost, adminPort, registration, maxDevices, interval);
    }
}
