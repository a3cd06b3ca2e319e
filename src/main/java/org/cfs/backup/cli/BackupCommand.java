package org.cfs.backup.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.cfs.backup.JobRequest;
import org.cfs.backup.backup.BackupReport;
import org.cfs.backup.backup.ProgressListener;
import org.cfs.backup.backup.SourceResult;
import org.cfs.backup.config.Size;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code backup [SOURCE...] [--dry-run] [--json]}. */
@Command(name = "backup", description = "Back up all (or the named) sources.")
final class BackupCommand extends BaseCommand {
    @Parameters(paramLabel = "SOURCE", arity = "0..*", description = "Sources to back up (default: all).")
    List<String> sources = new ArrayList<>();

    @Option(names = "--dry-run", description = "Show what would be backed up; write nothing, touch no container.")
    boolean dryRun;

    @Mixin
    JsonMixin output;

    @Override
    public Integer call() {
        ProgressListener progress = !output.json && System.console() != null ? new TerminalProgress(err()) : ProgressListener.NONE;
        BackupReport report = jobs(progress).backup(JobRequest.of(sources).withDryRun(dryRun));
        if (output.json) {
            JsonOutput.print(out(), report);
        } else {
            for (SourceResult r : report.sources()) {
                out().printf(Locale.ROOT, "%-20s %-8s %s %6.1fs%s%s%s%n", r.source(), r.status(),
                        r.snapshotId() == null ? (r.dryRun() ? "(dry run)" : "-") : r.snapshotId(), r.durationS(),
                        r.downtimeS() > 0 ? String.format(Locale.ROOT, " downtime %.1fs", r.downtimeS()) : "",
                        r.status().equals("failed") ? "" : " added " + Size.human(r.dataAdded()),
                        r.error() == null ? "" : "  " + r.error());
                // issue 14: the stop's time-out (dry run: what a run would use), both passes, kills
                if (r.stopTimeoutS() != null && r.dryRun()) {
                    out().printf(Locale.ROOT, "%-20s consistency stop, stop-timeout %ds (docker stop -t)%n", "",
                            r.stopTimeoutS());
                }
                if (r.passes() != null && r.passes().size() == 2 && r.passes().get(1).skipped() != null) {
                    out().printf(Locale.ROOT, "%-20s added %s live (pass 1); no pass 2: %s%n", "",
                            Size.human(r.passes().get(0).dataAdded()), r.passes().get(1).skipped());
                } else if (r.passes() != null && r.passes().size() == 2) {
                    out().printf(Locale.ROOT, "%-20s added %s live (pass 1) + %s quiesced (pass 2)%n", "",
                            Size.human(r.passes().get(0).dataAdded()), Size.human(r.passes().get(1).dataAdded()));
                }
                if (!r.stopKilled().isEmpty()) {
                    out().printf(Locale.ROOT, "%-20s %s needed the kill: no exit within stop-timeout %ds after SIGTERM;"
                            + " %s%n", "", String.join(", ", r.stopKilled()), r.stopTimeoutS(),
                            org.cfs.backup.quiesce.Quiesce.KILL_ADVICE);
                }
            }
            out().println("backup " + report.status());
        }
        return report.exitCode();
    }
}
