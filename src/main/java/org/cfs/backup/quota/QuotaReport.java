package org.cfs.backup.quota;

import org.cfs.backup.Job;
import org.cfs.backup.JobReport;

/**
 * The answer of {@code quota --json}: PRODUCT.md's fields ({@code remote, total, used, free,
 * trashed, level, days_until_full, error}) plus {@code advice} when there is something to do.
 */
public record QuotaReport(String remote, Long total, Long used, Long free, Long trashed, String level,
                          Long daysUntilFull, String error, String advice, boolean available) implements JobReport {

    /** A report of a remote that answered (or failed to). */
    public QuotaReport(String remote, Long total, Long used, Long free, Long trashed, String level, Long daysUntilFull,
                       String error, String advice) {
        this(remote, total, used, free, trashed, level, daysUntilFull, error, advice, true);
    }

    @Override
    public Job job() {
        return Job.QUOTA;
    }

    @Override
    public String problem() {
        return error != null ? error : level.equals("ok") ? null : "quota " + level;
    }

    @Override
    public int exitCode() {
        if (!available) {
            return org.cfs.backup.ExitCode.OK; // nothing to watch on this backend: not a failure
        }
        return QuotaLevel.valueOf(level.toUpperCase(java.util.Locale.ROOT)).exitCode();
    }
}
