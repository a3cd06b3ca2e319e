package org.cfs.backup.config;

/** Free-space thresholds of the remote, as sizes like {@code 20GiB}. */
public record QuotaConfig(String warnFree, String criticalFree) {

    public static QuotaConfig defaults() {
        return new QuotaConfig("20GiB", "5GiB");
    }

    public long warnFreeBytes() {
        return Size.parse(warnFree);
    }

    public long criticalFreeBytes() {
        return Size.parse(criticalFree);
    }
}
