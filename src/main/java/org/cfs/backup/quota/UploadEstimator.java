package org.cfs.backup.quota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cfs.backup.config.Size;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.restic.BackupRequest;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.state.RunRecord;

/**
 * Estimates what a backup will upload before it starts, and says when that exceeds today's share of
 * Drive's 750 GB/day upload cap or the remote's free space: better said at 03:00 than found out at
 * 09:00. The estimate per source is the {@code data_added} of its last successful backup; a path
 * source without one gets a {@code restic backup --dry-run} pass. Volumes and dumps without history
 * stay unknown (their dry run needs Docker or runs the dump).
 */
public final class UploadEstimator {
    /** Google Drive's upload cap per user per day (decimal gigabytes, as Google states it). */
    public static final long DRIVE_DAILY_CAP = 750L * 1000 * 1000 * 1000;

    private final Restic restic;
    private final Clock clock;

    /** @param restic for dry runs; null to never run one */
    public UploadEstimator(Restic restic, Clock clock) {
        this.restic = restic;
        this.clock = clock;
    }

    /**
     * @param history the run history, oldest first
     * @param drive true when the repository is on a Drive remote (the daily cap applies)
     * @param free the remote's free space, or null when unknown
     */
    public UploadEstimate estimate(List<SourceConfig> sources, String host, List<RunRecord> history, boolean drive,
                                   Long free) {
        Map<String, Long> lastAdded = new LinkedHashMap<>();
        long uploaded24h = 0;
        Instant dayAgo = clock.instant().minus(Duration.ofHours(24));
        for (RunRecord r : history) {
            if (!"backup".equals(r.job()) || r.source() == null) {
                continue;
            }
            Long added = dataAdded(r);
            boolean good = "ok".equals(r.status()) || "partial".equals(r.status());
            if (good && added != null) {
                lastAdded.put(r.source(), added);
            }
            if (added != null && r.end() != null && r.end().isAfter(dayAgo)) {
                uploaded24h += added;
            }
        }
        long total = 0;
        List<String> dryRun = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (SourceConfig s : sources) {
            Long added = lastAdded.get(s.name());
            if (added == null && restic != null && s.kind() == SourceConfig.Kind.PATHS) {
                added = dryRunAdded(s, host);
                if (added != null) {
                    dryRun.add(s.name());
                }
            }
            if (added == null) {
                unknown.add(s.name());
            } else {
                total += added;
            }
        }
        List<String> warnings = new ArrayList<>();
        Long capRemaining = drive ? Math.max(0, DRIVE_DAILY_CAP - uploaded24h) : null;
        if (capRemaining != null && total > capRemaining) {
            warnings.add("this backup may upload about " + Size.human(total) + " but only " + Size.human(capRemaining)
                    + " of Drive's 750 GB/day upload cap are left (" + Size.human(uploaded24h)
                    + " uploaded in the last 24 h): the upload will stop at the cap and finish on a later night");
        }
        if (free != null && total > free) {
            warnings.add("this backup may upload about " + Size.human(total) + " but the remote has only "
                    + Size.human(free) + " free: prune old snapshots or free space first");
        }
        return new UploadEstimate(total, dryRun, unknown, uploaded24h, capRemaining, free, warnings);
    }

    private Long dryRunAdded(SourceConfig s, String host) {
        for (String p : s.allPaths()) {
            if (!java.nio.file.Files.exists(java.nio.file.Path.of(p))) {
                return null;
            }
        }
        BackupRequest req = new BackupRequest(host, List.of(s.name()), s.allPaths(), s.excludes(), null, null, true);
        Restic.BackupOutcome o = restic.backup(req, st -> { }, null);
        return o.summary() == null ? null : o.summary().dataAdded();
    }

    private static Long dataAdded(RunRecord r) {
        if (r.figures() == null) {
            return null;
        }
        Object v = r.figures().get("data_added");
        return v instanceof Number n ? n.longValue() : null;
    }
}
