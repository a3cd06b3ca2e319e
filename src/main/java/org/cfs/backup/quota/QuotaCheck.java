package org.cfs.backup.quota;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.cfs.backup.config.QuotaConfig;
import org.cfs.backup.config.Size;
import org.cfs.backup.rclone.About;
import org.cfs.backup.rclone.DriveError;
import org.cfs.backup.rclone.Rclone;
import org.cfs.backup.rclone.RcloneException;

/**
 * Asks the remote for its free space ({@code rclone about REMOTE: --json}), sets the level from
 * the configured thresholds, keeps the answer as a sample and forecasts the days until full.
 * A remote that cannot answer is level {@code unknown} with the reason and its advice.
 */
public final class QuotaCheck {
    private final Rclone rclone;
    private final String remote;
    private final QuotaConfig thresholds;
    private final QuotaSamples samples;
    private final Clock clock;

    public QuotaCheck(Rclone rclone, String remote, QuotaConfig thresholds, QuotaSamples samples, Clock clock) {
        if (remote == null || remote.isBlank()) {
            throw org.cfs.backup.CfsException.usage("rclone.remote is not set in the config: quota needs the remote to ask");
        }
        this.rclone = rclone;
        this.remote = Rclone.remoteName(remote);
        this.thresholds = thresholds;
        this.samples = samples;
        this.clock = clock;
    }

    private QuotaReport notAvailable(Instant now) {
        String why = "not available on this backend (rclone about reports no free space)";
        samples.append(new QuotaSample(now, remote, null, null, null, null, QuotaLevel.UNKNOWN.toString(), why));
        return new QuotaReport(remote, null, null, null, null, QuotaLevel.UNKNOWN.toString(), null, why,
                "Set quota.enabled: false to stop asking, or watch the space on the storage itself.", false);
    }

    public QuotaReport run() {
        Instant now = clock.instant();
        About about;
        try {
            about = rclone.about(remote);
        } catch (RcloneException e) {
            if (e.error() == DriveError.ABOUT_NOT_SUPPORTED) {
                return notAvailable(now);
            }
            String error = e.reason() + " (" + e.error().code() + ")";
            samples.append(new QuotaSample(now, remote, null, null, null, null, QuotaLevel.UNKNOWN.toString(), error));
            return new QuotaReport(remote, null, null, null, null, QuotaLevel.UNKNOWN.toString(), null, error,
                    e.error().advice());
        }
        QuotaLevel level = QuotaLevel.of(about.free(), thresholds.warnFreeBytes(), thresholds.criticalFreeBytes());
        String error = null;
        List<String> advice = new ArrayList<>();
        if (level == QuotaLevel.UNKNOWN && about.total() == null && about.used() == null) {
            // WebDAV and shared drives answer {}: there is no free space to watch here, which is no fault
            return notAvailable(now);
        }
        if (level == QuotaLevel.UNKNOWN) {
            // some backends give total/used but no free
            error = "the remote reports no free space";
            advice.add(DriveError.ABOUT_NOT_SUPPORTED.advice());
        }
        samples.append(new QuotaSample(now, remote, about.total(), about.used(), about.free(), about.trashed(),
                level.toString(), error));
        Long days = Forecast.daysUntilFull(samples.all(), about.free(), now);
        if (level == QuotaLevel.CRITICAL || level == QuotaLevel.WARNING) {
            advice.add("Free space " + Size.human(about.free()) + " is below "
                    + (level == QuotaLevel.CRITICAL ? "quota.critical-free " + thresholds.criticalFree()
                    : "quota.warn-free " + thresholds.warnFree())
                    + ": prune old snapshots, or buy more storage.");
        }
        if (about.trashed() != null && about.trashed() > 0 && level != QuotaLevel.OK) {
            advice.add(Size.human(about.trashed()) + " sit in the Drive trash and still count: empty it with 'rclone cleanup "
                    + remote + ":' and set use_trash = false on the remote.");
        }
        return new QuotaReport(remote, about.total(), about.used(), about.free(), about.trashed(), level.toString(), days,
                error, advice.isEmpty() ? null : String.join(" ", advice));
    }
}
