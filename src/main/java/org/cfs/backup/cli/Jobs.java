package org.cfs.backup.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.Job;
import org.cfs.backup.JobReport;
import org.cfs.backup.JobRequest;
import org.cfs.backup.JobRunner;
import org.cfs.backup.audit.AuditOperation;
import org.cfs.backup.audit.AuditReport;
import org.cfs.backup.audit.ContainerInspector;
import org.cfs.backup.backup.BackupOperation;
import org.cfs.backup.backup.BackupReport;
import org.cfs.backup.backup.ProgressListener;
import org.cfs.backup.bootdrill.BootDrillOperation;
import org.cfs.backup.bootdrill.BootDrillReport;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.drill.CheckOperation;
import org.cfs.backup.drill.CheckOperation.CheckReport;
import org.cfs.backup.drill.DrillOperation;
import org.cfs.backup.drill.DrillReport;
import org.cfs.backup.policy.AlertPolicy;
import org.cfs.backup.process.Beside;
import org.cfs.backup.quota.QuotaCheck;
import org.cfs.backup.quota.QuotaReport;
import org.cfs.backup.quota.QuotaSamples;
import org.cfs.backup.quota.UploadEstimate;
import org.cfs.backup.rclone.Rclone;
import org.cfs.backup.retention.PruneOperation;
import org.cfs.backup.retention.PruneReport;
import org.cfs.backup.state.OperationLock;
import org.cfs.backup.state.RunRecord;

/**
 * Runs each job the one way: its lock, its operation, the healthchecks pings and the alert policy
 * on the typed report. The commands print what it returns; the daemon and the web console call it
 * through {@link JobRunner}, so a job alerts the same whoever started it.
 */
public final class Jobs implements JobRunner {
    private final Services s;
    private final PrintWriter err;
    private final ProgressListener progress;
    private final AlertPolicy policy;
    /** issue 14: the progress of restic's own steps (prune, check, drill) on a terminal; null for none. */
    private org.cfs.backup.restic.ResticProgress.Listener steps;

    public Jobs(Services services, PrintWriter err, ProgressListener progress) {
        this.s = services;
        this.err = err;
        this.progress = progress;
        this.policy = new AlertPolicy(services.alerts());
    }

    /** Shows restic's progress in prune, check and drill (a terminal's {@link ProgressLine}); null for none. */
    Jobs steps(org.cfs.backup.restic.ResticProgress.Listener listener) {
        this.steps = listener;
        return this;
    }

    @Override
    public JobReport run(Job job, JobRequest request) {
        return switch (job) {
            case BACKUP -> backup(request);
            case PRUNE -> prune(request);
            case CHECK -> check(request);
            case DRILL -> drill(request);
            case QUOTA -> quota();
            case AUDIT -> audit();
            case BOOT_DRILL -> bootDrill(request);
        };
    }

    public BackupReport backup(JobRequest request) {
        Config c = s.config();
        List<SourceConfig> selected = selected(request);
        boolean dryRun = request.dryRun();
        return around(Job.BACKUP, dryRun, dryRun ? "backup --dry-run" : "backup", () -> {
            // the estimate warns only, never fails nor delays the backup: its `rclone about` runs beside it
            Beside<Void> estimate = dryRun ? Beside.done(null) : Beside.start("upload-estimate", () -> {
                uploadEstimate(selected);
                return null;
            });
            BackupReport report;
            try {
                BackupOperation op = new BackupOperation(c, s.restic(), s.docker(), s.journal(), s.runner(),
                        s.cancellation(), s.history(), s.auditLog(), this::say, progress);
                report = op.run(selected, dryRun);
            } finally {
                estimate.join();
            }
            DriveRuns.afterBackup(s, report, err); // Drive 403s get their reason and advice
            return report;
        });
    }

    public PruneReport prune(JobRequest request) {
        Config c = s.config();
        return around(Job.PRUNE, request.dryRun(), request.dryRun() ? "prune --dry-run" : "prune", () -> {
            return new PruneOperation(c, s.restic(), s.rclone(), s.cancellation(), s.history(), s.auditLog(),
                    this::say).progress(steps).run(c.sources(), request.dryRun(), request.force());
        });
    }

    public CheckReport check(JobRequest request) {
        return around(Job.CHECK, false, "check", () -> {
            return new CheckOperation(s.restic(), s.history(), s.auditLog()).progress(steps).run(request.readDataSubset());
        });
    }

    public DrillReport drill(JobRequest request) {
        List<SourceConfig> selected = selected(request);
        return around(Job.DRILL, false, request.full() ? "drill --full" : "drill", () -> {
            return new DrillOperation(s.config(), s.restic(), s.docker(), s.cancellation(), s.history(),
                    s.auditLog(), this::say, s.runner()).host(request.host()).progress(steps)
                    .run(selected, request.full());
        });
    }

    /** {@code drill --boot}: one at a time per state dir, never beside a backup or restore (the lock). */
    public BootDrillReport bootDrill(JobRequest request) {
        List<SourceConfig> selected = selected(request);
        return around(Job.BOOT_DRILL, false, "drill --boot", () -> {
            return new BootDrillOperation(s.config(), s.restic(), s.docker(), s.runner(), s.cancellation(),
                    s.history(), s.auditLog(), s.scratchJournal(), s.binary("sqlite3"), this::say)
                    .run(selected, !request.sources().isEmpty());
        });
    }

    public QuotaReport quota() {
        Config c = s.config();
        if (!c.quota().on()) {
            return new QuotaReport(c.rclone().remote(), null, null, null, null, "unknown", null,
                    "quota is off (quota.enabled: false)", null, false);
        }
        return around(Job.QUOTA, false, null, () -> {
            Instant start = Instant.now();
            QuotaReport r = new QuotaCheck(s.rclone(), c.rclone().remote(), c.quota(), new QuotaSamples(c.stateDir()),
                    s.clock()).run();
            s.auditLog().record("quota", r.level(), "remote=" + r.remote()
                    + (r.free() == null ? "" : " free=" + r.free()) + (r.error() == null ? "" : " error=\"" + r.error() + "\""));
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("level", r.level());
            figures.put("free", r.free());
            s.history().append(new RunRecord("quota", null, start, Instant.now(),
                    r.exitCode() == ExitCode.OK ? "ok" : r.exitCode() == ExitCode.PARTIAL ? "partial" : "failed",
                    null, figures, r.error()));
            return r;
        });
    }

    public AuditReport audit() {
        Config c = s.config();
        // read-only: no operation lock, so the hourly audit never waits for (or blocks) a backup
        return around(Job.AUDIT, false, null, () -> new AuditOperation(c, new ContainerInspector(s.binary("docker"),
                s.runner()), s.history(), s.auditLog()).run());
    }

    /** The named sources, or all; an unknown name is a usage error before anything runs or pings. */
    private List<SourceConfig> selected(JobRequest request) {
        Config c = s.config();
        List<SourceConfig> selected = c.select(request.sources());
        if (selected.isEmpty()) {
            throw CfsException.usage("no sources configured in " + c.file());
        }
        return selected;
    }

    /**
     * The state dir's operation lock first (a busy lock pings and alerts nothing: the holder is
     * running the work), then the pings around the job and the policy on its report or its
     * failure; a dry run pings and alerts nothing.
     *
     * @param lockName the lock's command text, or null for a read-only job that takes none
     */
    private <R extends JobReport> R around(Job job, boolean dryRun, String lockName, Supplier<R> body) {
        try (OperationLock lock = lockName == null ? null : s.lock(lockName)) {
            return alerted(job, dryRun, body);
        }
    }

    private <R extends JobReport> R alerted(Job job, boolean dryRun, Supplier<R> body) {
        if (!dryRun) {
            s.alerts().jobStarted(job.word());
        }
        R report;
        try {
            report = body.get();
        } catch (CfsException e) {
            if (!dryRun) {
                policy.failed(job, e);
                s.alerts().jobFinished(job.word(), false, job.word() + " exited " + e.exitCode() + ": " + e.getMessage());
            }
            throw e;
        }
        policy.reported(report);
        if (!dryRun) {
            s.alerts().jobFinished(job.word(), report.exitCode() == ExitCode.OK,
                    job.word() + " exit " + report.exitCode());
        }
        return report;
    }

    private void uploadEstimate(List<SourceConfig> selected) {
        UploadEstimate est = DriveRuns.beforeBackup(s, selected, err);
        if (est != null) {
            policy.uploadEstimate(Rclone.repositoryRemote(s.config().repository().url()), est);
        }
    }

    private void say(String line) {
        if (steps instanceof ProgressLine p) {
            p.clear(); // a message starts on a line of its own, not after the progress line
        }
        err.println("cfs-backup: " + line);
    }
}
