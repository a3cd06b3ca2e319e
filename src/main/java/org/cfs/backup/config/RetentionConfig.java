package org.cfs.backup.config;

/** restic forget's keep-* policy, applied per source. */
public record RetentionConfig(
        Integer keepLast, Integer keepHourly, Integer keepDaily, Integer keepWeekly,
        Integer keepMonthly, Integer keepYearly, String keepWithin) {

    public static RetentionConfig defaults() {
        return new RetentionConfig(3, null, 7, 4, 12, null, null);
    }
}
