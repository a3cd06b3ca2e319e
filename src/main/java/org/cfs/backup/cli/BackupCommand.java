package org.cfs.backup.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.cfs.backup.backup.BackupOperation;
import org.cfs.backup.backup.BackupReport;
import org.cfs.backup.backup.ProgressListener;
import org.cfs.backup.backup.SourceResult;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.Size;
import org.cfs.backup.state.OperationLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code backup [SOURCE...] [--dry-run] [--json]}. */
@Command(name = "backup", description = "Back up all (or the named) sources.")
final class BackupCommand extends BaseCommand {
    @Parameters(paramLabel = "SOURCE", arity = "0..*", description = "Sources to back up (default: all).")
    List<String> sources = new ArrayList<>();

    @Option(names = "--dry-run", description = "Show what would be backed up; write nothing, touch no container.")
    boolean dryRun;

    @Option(names = "--json", description = "Print one JSON document on stdout.")
    boolean json;

    @Override
    public Integer call() {
        Services s = services();
        Config c = s.config();
        var selected = c.select(sources);
        if (selected.isEmpty()) {
            throw org.cfs.backup.CfsException.usage("no sources configured in " + c.file());
        }
        ProgressListener progress = !json && System.console() != null ? new TerminalProgress(err()) : ProgressListener.NONE;
        BackupReport report;
        try (OperationLock lock = s.lock(dryRun ? "backup --dry-run" : "backup")) {
            if (!dryRun) {
                DriveRuns.beforeBackup(s, selected, err()); // issue 5: warn only, never fails the backup
            }
            BackupOperation op = new BackupOperation(c, s.restic(), s.docker(), s.journal(), s.runner(),
                    s.cancellation(), s.history(), s.auditLog(), line -> err().println("cfs-backup: " + line), progress);
            report = op.run(selected, dryRun);
        }
        DriveRuns.afterBackup(s, report, err()); // issue 5: Drive 403s get their reason and advice
        if (!dryRun && report.status().equals("ok")) {
            s.alerts().open().stream().filter(a -> a.key().startsWith(Services.RECONCILED_ALERT))
                    .forEach(a -> s.alerts().clear(a.key(), "a backup completed since the restart"));
        }
        if (json) {
            JsonOutput.print(out(), report);
        } else {
            for (SourceResult r : report.sources()) {
                out().printf(Locale.ROOT, "%-20s %-8s %s %6.1fs%s%s%s%n", r.source(), r.status(),
                        r.snapshotId() == null ? (r.dryRun() ? "(dry run)" : "-") : r.snapshotId(), r.durationS(),
                        r.downtimeS() > 0 ? String.format(Locale.ROOT, " downtime %.1fs", r.downtimeS()) : "",
                        r.status().equals("failed") ? "" : " added " + Size.human(r.dataAdded()),
                        r.error() == null ? "" : "  " + r.error());
            }
            out().println("backup " + report.status());
        }
        return report.exitCode();
    }
}
