package org.cfs.backup.config;

/**
 * Free-space thresholds of the remote, as sizes like {@code 20GiB}; {@code enabled: false} turns the
 * quota job off (a backend without free space to watch).
 */
public record QuotaConfig(String warnFree, String criticalFree, Boolean enabled) {

    public QuotaConfig(String warnFree, String criticalFree) {
        this(warnFree, criticalFree, true);
    }

    public static QuotaConfig defaults() {
        return new QuotaConfig("20GiB", "5GiB", true);
    }

    /** False only when the config says {@code quota.enabled: false}. */
    public boolean on() {
        return enabled == null || enabled;
    }

    public long warnFreeBytes() {
        return Size.parse(warnFree);
    }

    public long criticalFreeBytes() {
        return Size.parse(criticalFree);
    }
}
