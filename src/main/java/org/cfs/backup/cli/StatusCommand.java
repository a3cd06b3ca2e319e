package org.cfs.backup.cli;

import java.util.Locale;

import org.cfs.backup.ExitCode;
import org.cfs.backup.alert.Alerts;
import org.cfs.backup.schedule.StatusReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code status [--json]}: last runs, snapshot age per source, next fire times, quota, open alerts. Takes no lock. */
@Command(name = "status", description = "Show last backups, newest snapshots, jobs with their next run, the last quota answer and open alerts.")
final class StatusCommand extends BaseCommand {
    @Option(names = "--json", description = "Print one JSON document on stdout.")
    boolean json;

    @Override
    public Integer call() {
        Services s = services();
        StatusReport.Document d = StatusReport.build(s.config(), s.history(), s.restic(), s.alerts(), s.clock());
        if (json) {
            JsonOutput.print(out(), d);
            return ExitCode.OK;
        }
        out().println("host " + d.host() + ", daemon " + (d.daemon().running() ? "running (pid " + d.daemon().pid() + ")" : "not running"));
        out().println("sources:");
        for (StatusReport.SourceStatus src : d.sources()) {
            out().printf(Locale.ROOT, "  %-20s last backup %s, newest snapshot %s%s%s%n", src.source(),
                    src.lastBackup() == null ? "never" : src.lastBackup() + " " + src.lastBackupStatus(),
                    src.newestSnapshotTime() == null ? "none" : src.newestSnapshotTime(),
                    Boolean.TRUE.equals(src.stale()) ? "  STALE" : "",
                    src.lastBootDrill() == null ? "" : ", boot drill " + src.lastBootDrill() + " " + src.lastBootDrillStatus()
                            + (src.lastBootDrillSecondsToHealthy() == null ? ""
                            : String.format(Locale.ROOT, " (healthy after %.1fs)", src.lastBootDrillSecondsToHealthy())));
        }
        if (d.repositoryError() != null) {
            out().println("  repository: " + d.repositoryError());
        }
        out().println("jobs:");
        for (StatusReport.JobStatus j : d.jobs()) {
            out().printf(Locale.ROOT, "  %-8s last %s, next %s%n", j.job(),
                    j.lastRun() == null ? "never" : j.lastRun() + " " + j.lastStatus(), j.nextRun() == null ? "never" : j.nextRun());
        }
        if (d.quota() != null) {
            out().println("quota: " + d.quota());
        }
        out().println(d.alerts().isEmpty() ? "alerts: none open" : "alerts:");
        for (Alerts.OpenAlert a : d.alerts()) {
            out().printf(Locale.ROOT, "  %s %s: %s (since %s)%n", a.severity(), a.key(), a.title(), a.since());
        }
        return ExitCode.OK;
    }
}
