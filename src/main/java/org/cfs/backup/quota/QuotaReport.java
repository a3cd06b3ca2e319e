package org.cfs.backup.quota;

/**
 * The answer of {@code quota --json}: PRODUCT.md's fields ({@code remote, total, used, free,
 * trashed, level, days_until_full, error}) plus {@code advice} when there is something to do.
 */
public record QuotaReport(String remote, Long total, Long used, Long free, Long trashed, String level,
                          Long daysUntilFull, String error, String advice) {

    public int exitCode() {
        return QuotaLevel.valueOf(level.toUpperCase(java.util.Locale.ROOT)).exitCode();
    }
}
