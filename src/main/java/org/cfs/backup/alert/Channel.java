package org.cfs.backup.alert;

import java.util.List;

/**
 * One configured alert destination. Implementations only deliver; retries, logging and
 * de-duplication are {@link ChannelAlerts}'s job. A channel ignores what it has no use for
 * (a healthchecks check takes job pings, not notices; the others take notices, not pings).
 */
public interface Channel {
    /** What a job ping reports. */
    enum Ping { START, SUCCESS, FAIL }

    /** A stable id for the de-duplication state, e.g. {@code webhook#0}. */
    String id();

    /** For log lines: type and host only, never a path, token or password. */
    String describe();

    /** Strings that must never appear in a log line (passwords, tokens, ping keys). */
    List<String> secrets();

    /** Whether {@link #notify(Notice)} does anything; channels that do not are not retried. */
    default boolean takesNotices() {
        return true;
    }

    /** Whether {@link #ping} does anything. */
    default boolean takesPings() {
        return false;
    }

    void notify(Notice notice) throws DeliveryException;

    void ping(String job, Ping ping, String body) throws DeliveryException;
}
