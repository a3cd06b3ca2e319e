package org.cfs.backup.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.Job;
import org.cfs.backup.JobReport;
import org.cfs.backup.alert.Alerts;
import org.cfs.backup.alert.Alerts.Severity;
import org.cfs.backup.audit.AuditReport;
import org.cfs.backup.audit.Finding;
import org.cfs.backup.backup.BackupReport;
import org.cfs.backup.backup.SourceResult;
import org.cfs.backup.bootdrill.BootDrillReport;
import org.cfs.backup.drill.CheckOperation.CheckReport;
import org.cfs.backup.drill.DrillReport;
import org.cfs.backup.drill.SourceDrill;
import org.cfs.backup.quota.QuotaReport;
import org.cfs.backup.quota.UploadEstimate;
import org.cfs.backup.retention.PruneReport;
import org.cfs.backup.state.QuiesceJournal;

/**
 * The one place that turns what happened into alert conditions (key, severity, open or clear):
 * typed job reports, a job that could not run, the upload estimate, a resumed container, stale
 * sources. The CLI and the daemon hand it the same report objects, so a backup run from cron
 * alerts exactly as the daemon's does.
 */
public final class AlertPolicy {
    /** Key prefix of the alert raised when the quiesce journal had to resume a container. */
    public static final String RECONCILED = "reconciled:";
    /** A container kept stopped because its volume's in-place restore is unfinished. */
    public static final String HELD = "held:";
    /** Key of an upload that may not fit the day's Drive cap or the free space. */
    public static final String UPLOAD = "upload-estimate";
    static final String AUDIT = "audit:";

    private final Alerts alerts;

    public AlertPolicy(Alerts alerts) {
        this.alerts = alerts;
    }

    /** A job returned its report: its conditions, and the job itself ran (clears {@code job-failed:JOB}). */
    public void reported(JobReport report) {
        if (!report.changedSomething()) {
            return; // a dry run proves nothing either way
        }
        if (report instanceof BackupReport r) {
            backup(r);
        } else if (report instanceof PruneReport r) {
            prune(r);
        } else if (report instanceof DrillReport r) {
            drill(r);
        } else if (report instanceof CheckReport r) {
            check(r);
        } else if (report instanceof QuotaReport r) {
            quota(r);
        } else if (report instanceof AuditReport r) {
            audit(r);
        } else if (report instanceof BootDrillReport r) {
            bootDrill(r);
        }
        alerts.clear(jobKey(report.job()), report.job().word() + " ran again without error");
    }

    /**
     * A job that could not run at all (unreachable repository, wrong password, ...). An interrupted
     * job says nothing of the host, and a busy one is the job of whoever holds the lock.
     */
    public void failed(Job job, CfsException e) {
        if (e.exitCode() == ExitCode.INTERRUPTED || e.exitCode() == ExitCode.BUSY) {
            return;
        }
        alerts.raise(jobKey(job), Severity.CRITICAL, "job " + job.word() + " failed",
                job.word() + " exited " + e.exitCode() + ": " + e.getMessage());
    }

    static String jobKey(Job job) {
        return "job-failed:" + job.word();
    }

    private void backup(BackupReport report) {
        for (SourceResult s : report.sources()) {
            String key = "backup-failed:" + s.source();
            switch (s.status()) {
                case "ok" -> alerts.clear(key, "backup of " + s.source() + " ok again");
                case "partial" -> alerts.raise(key, Severity.WARNING, "backup of " + s.source() + " partial",
                        s.error() == null ? "some files could not be read" : s.error());
                case "failed" -> alerts.raise(key, Severity.CRITICAL, "backup of " + s.source() + " failed",
                        s.error() == null ? "failed" : s.error());
                default -> {
                    // interrupted: neither a failure nor a success of the source
                }
            }
            // issue 14: a snapshot less than half of the previous one (an emptied source), at backup time
            if (s.shrunk() != null) {
                alerts.raise("backup-shrunk:" + s.source(), Severity.CRITICAL, "backup of " + s.source() + " shrank",
                        s.shrunk());
            } else if (s.snapshotId() != null && !s.status().equals("interrupted")) {
                alerts.clear("backup-shrunk:" + s.source(), "backup of " + s.source() + " no longer shrunk");
            }
            if (!s.status().equals("interrupted")) {
                // a good snapshot with something left behind (a first pass that could not be forgotten)
                if (s.warning() != null) {
                    alerts.raise("backup-warning:" + s.source(), Severity.WARNING, "backup of " + s.source()
                            + " left something behind", s.warning());
                } else {
                    alerts.clear("backup-warning:" + s.source(), "backup of " + s.source() + " clean again");
                }
            }
        }
        if (report.status().equals("ok")) {
            for (Alerts.OpenAlert open : alerts.open()) {
                if (open.key().startsWith(RECONCILED)) {
                    alerts.clear(open.key(), "a backup completed since the restart");
                }
            }
        }
    }

    private void prune(PruneReport report) {
        for (PruneReport.SourcePrune s : report.sources()) {
            String key = "prune-guard:" + s.source();
            if (s.guarded()) {
                alerts.raise(key, Severity.CRITICAL, "prune guard holds " + s.source(), s.guardReason());
            } else if (s.error() == null) {
                alerts.clear(key, "prune of " + s.source() + " no longer guarded");
            }
        }
    }

    private void drill(DrillReport report) {
        for (SourceDrill s : report.sources()) {
            String key = "drill-failed:" + s.source();
            if (s.passed()) {
                alerts.clear(key, "restore drill of " + s.source() + " passed again");
            } else {
                List<String> p = s.problems() == null ? List.of() : s.problems();
                alerts.raise(key, Severity.CRITICAL, "restore drill of " + s.source() + " failed",
                        p.isEmpty() ? "drill failed" : String.join("; ", p.subList(0, Math.min(5, p.size()))));
            }
        }
    }

    private void bootDrill(BootDrillReport report) {
        for (BootDrillReport.Source s : report.sources()) {
            String key = "boot-drill-failed:" + s.source();
            if (s.passed()) {
                alerts.clear(key, s.source() + " starts on its restored data again");
            } else {
                List<String> p = s.problems() == null ? List.of() : s.problems();
                alerts.raise(key, Severity.CRITICAL, s.source() + " does not start on its restored data",
                        p.isEmpty() ? "boot drill failed" : String.join("; ", p.subList(0, Math.min(5, p.size()))));
            }
        }
    }

    private void check(CheckReport report) {
        if (report.ok()) {
            alerts.clear("check-damage", "repository check passed");
        } else {
            alerts.raise("check-damage", Severity.CRITICAL, "repository check found problems",
                    report.errors().isEmpty() ? "restic check failed" : report.errors().get(0));
        }
    }

    private void quota(QuotaReport report) {
        if (!report.available()) {
            // a backend without free space to tell is not a remote that does not answer
            alerts.clear("quota-level", "quota is not available on this backend");
            alerts.clear("quota-unknown", "quota is not available on this backend");
            return;
        }
        String free = report.free() == null ? "free space unknown" : report.free() + " bytes free";
        switch (report.level()) {
            case "ok" -> alerts.clear("quota-level", "remote quota back to ok: " + free);
            case "warning" -> alerts.raise("quota-level", Severity.WARNING, "remote quota warning", free);
            case "critical" -> alerts.raise("quota-level", Severity.CRITICAL, "remote quota critical", free);
            default -> {
                alerts.raise("quota-unknown", Severity.WARNING, "remote quota unknown",
                        report.error() == null ? "the remote did not answer" : report.error());
                return;
            }
        }
        alerts.clear("quota-unknown", "the remote answers again");
    }

    /** Findings that {@code audit.allow} lists are known exceptions: never raised, and cleared when open. */
    private void audit(AuditReport report) {
        Set<String> current = new HashSet<>();
        for (Finding f : report.findings()) {
            if (f.allowed()) {
                continue;
            }
            String key = AUDIT + f.rule() + ":" + f.subject();
            current.add(key);
            alerts.raise(key, f.severity() == org.cfs.backup.audit.Severity.CRITICAL ? Severity.CRITICAL : Severity.WARNING,
                    "audit: " + f.rule() + " on " + f.subject(), f.detail());
        }
        if (!report.complete()) {
            return; // an engine that did not answer is no proof that its findings are gone
        }
        for (Alerts.OpenAlert open : alerts.open()) {
            if (open.key().startsWith(AUDIT) && !current.contains(open.key())) {
                alerts.clear(open.key(), "audit: no longer found");
            }
        }
    }

    /** Before a backup: the upload may not fit the day's Drive cap or the free space of {@code remote}. */
    public void uploadEstimate(String remote, UploadEstimate estimate) {
        if (estimate.warnings().isEmpty()) {
            alerts.clear(UPLOAD, "the estimated upload fits the cap and the free space");
        } else {
            // said before the night is wasted, not only on a terminal nobody watches
            alerts.raise(UPLOAD, Severity.WARNING, "backup may not fit on " + remote,
                    String.join("; ", estimate.warnings()));
        }
    }

    /**
     * A container that a crashed run left stopped or paused stays so, because an in-place restore of
     * its volume is unfinished (starting it would run the app on a half-swapped volume): the app is
     * down until a human finishes the restore, so {@code held:CONTAINER} is critical. Cleared when the
     * container is resumed.
     */
    public void held(String container, String volume) {
        alerts.raise(HELD + container, Severity.CRITICAL, "container " + container + " is held down: its volume's restore is unfinished",
                "an in-place restore of volume " + volume + " did not finish (its run died), so cfs-backup keeps container "
                        + container + " stopped rather than start it on a half-restored volume. Run any cfs-backup command"
                        + " to finish or roll back the swap (e.g. 'cfs-backup status'); see docs/disaster-recovery.md.");
    }

    /** A container that a crashed run left stopped or paused was resumed; cleared by the next good backup. */
    public void reconciled(QuiesceJournal.Entry e) {
        alerts.clear(HELD + e.name(), "container " + e.name() + " was resumed");
        alerts.raise(RECONCILED + e.name(), Severity.WARNING,
                "container " + e.name() + " restarted after a crashed cfs-backup " + e.command(),
                "cfs-backup pid " + e.pid() + " died while container " + e.name() + " (volume " + e.volume()
                        + ") was " + (e.action().equals("pause") ? "paused" : "stopped") + "; it was resumed by the"
                        + " next command. Check the container and the last backup.");
    }

    /** One source's freshness: {@code stale:SOURCE} open while its newest snapshot is older than stale-after. */
    public void freshness(String source, Instant newest, boolean stale, Duration staleAfter) {
        String key = "stale:" + source;
        if (stale) {
            alerts.raise(key, Severity.WARNING, "backup of " + source + " is stale", newest == null
                    ? "the repository holds no snapshot of " + source
                    : "the newest snapshot of " + source + " is from " + newest + ", older than stale-after "
                    + staleAfter.toHours() + "h");
        } else {
            alerts.clear(key, source + " is fresh again: newest snapshot " + newest);
        }
    }

    /**
     * One source's boot-drill freshness: {@code boot-drill-stale:SOURCE} open while its last passed
     * boot drill is older than {@code boot-drill.max-age} (or none passed since boot drills ran).
     */
    public void bootDrillFreshness(String source, Instant lastPassed, boolean stale, Duration maxAge) {
        String key = "boot-drill-stale:" + source;
        if (stale) {
            alerts.raise(key, Severity.WARNING, "no recent boot drill of " + source + " passed", lastPassed == null
                    ? "no boot drill of " + source + " has passed yet"
                    : "the last boot drill of " + source + " that passed is from " + lastPassed + ", older than boot-drill.max-age "
                    + maxAge.toDays() + "d");
        } else {
            alerts.clear(key, "a boot drill of " + source + " passed within boot-drill.max-age");
        }
    }

    /** Whether the repository's snapshot list could be read (the freshness check's own condition). */
    public void repositoryReadable(String errorOrNull) {
        if (errorOrNull == null) {
            alerts.clear("repository-unreachable", "the repository answers again");
        } else {
            alerts.raise("repository-unreachable", Severity.WARNING, "cannot list the repository's snapshots",
                    errorOrNull);
        }
    }
}
