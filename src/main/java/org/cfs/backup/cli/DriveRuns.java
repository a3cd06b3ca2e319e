package org.cfs.backup.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.cfs.backup.backup.BackupReport;
import org.cfs.backup.backup.SourceResult;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.quota.QuotaSample;
import org.cfs.backup.quota.QuotaSamples;
import org.cfs.backup.quota.UploadEstimate;
import org.cfs.backup.quota.UploadEstimator;
import org.cfs.backup.rclone.DriveError;
import org.cfs.backup.rclone.Rclone;
import org.cfs.backup.rclone.RcloneException;
import org.cfs.backup.state.RunRecord;

/**
 * The Drive-aware edges of a backup on an rclone remote: the upload estimate before it (a warning,
 * never a failure) and the classified Drive reason after a failed source, instead of restic's
 * retry noise. Repositories that are not on rclone are left alone. Alerts are the policy's (Jobs).
 */
final class DriveRuns {
    private DriveRuns() {
    }

    /** Warns on stderr when the backup may not fit the day's Drive upload cap or the free space. */
    static UploadEstimate beforeBackup(Services s, List<SourceConfig> selected, PrintWriter err) {
        Config c = s.config();
        String remote = Rclone.repositoryRemote(c.repository().url());
        if (remote == null) {
            return null;
        }
        try {
            List<RunRecord> history = s.history().all();
            Long free = recentFree(s, remote, history);
            try {
                if (free == null) {
                    free = s.rclone().about(remote).free();
                }
            } catch (RcloneException e) {
                // a backend without `about` is normal: only real failures are worth a line
                if (e.error() != DriveError.ABOUT_NOT_SUPPORTED) {
                    err.println("cfs-backup: free space of " + remote + ": unknown: " + e.reason() + " -> " + e.error().advice());
                }
            }
            UploadEstimate est = new UploadEstimator(s.clock())
                    .estimate(selected, history, s.repositoryOnDrive(), free);
            for (String w : est.warnings()) {
                err.println("cfs-backup: warning: " + w);
            }
            if (!est.warnings().isEmpty()) {
                s.auditLog().record("upload-estimate", "warning", "estimated=" + est.estimatedBytes()
                        + (est.capRemaining() == null ? "" : " cap_remaining=" + est.capRemaining())
                        + (est.free() == null ? "" : " free=" + est.free()));
            }
            err.flush();
            return est;
        } catch (CancelledException e) {
            throw e;
        } catch (RuntimeException e) {
            err.println("cfs-backup: upload estimate skipped: " + e.getMessage());
            err.flush();
            return null;
        }
    }

    /** How long the quota job's last answer stands in for an {@code rclone about} of its own (one process less). */
    static final Duration SAMPLE_FRESH = Duration.ofHours(1);

    /**
     * The free space of the quota job's last sample of this remote when it is recent, less what
     * the backups since then added; null when there is none (then {@code rclone about} asks).
     */
    static Long recentFree(Services s, String remote, List<RunRecord> history) {
        QuotaSample last = new QuotaSamples(s.config().stateDir()).last();
        Instant now = s.clock().instant();
        if (last == null || last.free() == null || last.time() == null || !remote.equals(last.remote())
                || last.time().isBefore(now.minus(SAMPLE_FRESH)) || last.time().isAfter(now)) {
            return null;
        }
        long since = 0;
        for (RunRecord r : history) {
            if ("backup".equals(r.job()) && r.source() != null && r.end() != null && r.end().isAfter(last.time())
                    && r.figures() != null && r.figures().get("data_added") instanceof Number n) {
                since += n.longValue();
            }
        }
        return Math.max(0, last.free() - since);
    }

    /** After the run: for each source that failed on a Drive error, the reason and what to do. */
    static void afterBackup(Services s, BackupReport report, PrintWriter err) {
        if (Rclone.repositoryRemote(s.config().repository().url()) == null) {
            return;
        }
        for (SourceResult r : report.sources()) {
            if (r.error() == null) {
                continue;
            }
            DriveError e = DriveError.classify(r.error());
            if (e != DriveError.UNKNOWN) {
                err.println("cfs-backup: " + r.source() + ": " + e.code() + ": " + e.advice());
            }
        }
        err.flush();
    }
}
