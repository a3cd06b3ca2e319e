package org.cfs.backup.config;

import java.time.Duration;
import java.util.List;

/**
 * A source's {@code boot-drill:} (issue 16): which container's copy to start on the restored data,
 * the probe that says it is up, how long to wait, and how old the last passed boot drill may get.
 * Durations are written like {@code 120s}, {@code 2m}, {@code 8d}; the loader checks them.
 */
public record BootDrillConfig(String container, List<String> probe, String timeout, String settle, String maxAge,
                              Boolean enabled) {
    public static final String DEFAULT_TIMEOUT = "120s";
    public static final String DEFAULT_SETTLE = "15s";
    public static final String DEFAULT_MAX_AGE = "8d";

    public static BootDrillConfig defaults() {
        return new BootDrillConfig(null, null, DEFAULT_TIMEOUT, DEFAULT_SETTLE, DEFAULT_MAX_AGE, true);
    }

    public Duration timeoutDuration() {
        return parse(timeout == null ? DEFAULT_TIMEOUT : timeout);
    }

    public Duration settleDuration() {
        return parse(settle == null ? DEFAULT_SETTLE : settle);
    }

    public Duration maxAgeDuration() {
        return parse(maxAge == null ? DEFAULT_MAX_AGE : maxAge);
    }

    public boolean enabledOrDefault() {
        return enabled == null || enabled;
    }

    public List<String> probeOrEmpty() {
        return probe == null ? List.of() : probe;
    }

    /** {@code 90s}, {@code 2m}, {@code 1h}, {@code 8d}. */
    public static Duration parse(String v) {
        return Durations.parse(v);
    }
}
