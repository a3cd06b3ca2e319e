package org.cfs.backup.cli;

import java.util.List;
import java.util.Locale;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.bootdrill.BootDrillOperation;
import org.cfs.backup.bootdrill.BootDrillReport;
import org.cfs.backup.config.Size;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.state.OperationLock;

/** {@code drill --boot [SOURCE...] [--json]} (issue 16): the body of {@link DrillCommand}'s --boot. */
final class BootDrillCli {
    private BootDrillCli() {
    }

    static int run(DrillCommand cmd, List<String> names, boolean full, boolean json) {
        if (full) {
            throw CfsException.usage("--boot and --full are separate drills: run one, then the other");
        }
        Services s = cmd.services();
        List<SourceConfig> selected = s.config().select(names);
        if (selected.isEmpty()) {
            throw CfsException.usage("no sources configured in " + s.config().file());
        }
        BootDrillReport r;
        // one operation at a time per state dir: at most one boot drill, and never beside a backup or restore
        try (OperationLock lock = s.lock("drill --boot")) {
            r = new BootDrillOperation(s.config(), s.restic(), s.docker(), s.runner(), s.cancellation(), s.history(),
                    s.auditLog(), s.scratchJournal(), s.binary("sqlite3"),
                    line -> cmd.err().println("cfs-backup: " + line)).run(selected, !names.isEmpty());
        }
        if (json) {
            JsonOutput.print(cmd.out(), r);
        } else {
            for (BootDrillReport.Source d : r.sources()) {
                BootDrillReport.Boot b = d.boot();
                cmd.out().printf(Locale.ROOT, "%-20s %-6s %s %s files, %s%s%s%n", d.source(), d.passed() ? "passed" : "FAILED",
                        d.snapshotId() == null ? "-" : d.snapshotId(), d.filesVerified(), Size.human(d.bytesVerified()),
                        b.secondsToHealthy() == null ? "" : String.format(Locale.ROOT, ", healthy after %.1fs (%s)",
                                b.secondsToHealthy(), b.passedBy()),
                        b.sqliteChecked() == 0 ? "" : ", " + b.sqliteChecked() + " SQLite checked");
                d.problems().forEach(p -> cmd.out().println("    " + p));
            }
            cmd.out().println(r.sources().isEmpty() ? "no source has a boot drill"
                    : r.passed() ? "boot drill passed" : "boot drill FAILED");
        }
        if (!r.passed()) {
            cmd.err().println("cfs-backup: boot drill failed for " + String.join(", ",
                    r.sources().stream().filter(d -> !d.passed()).map(BootDrillReport.Source::source).toList()));
            return ExitCode.FAILED;
        }
        return ExitCode.OK;
    }
}
