package org.cfs.backup.cli;

import java.util.Locale;

import org.cfs.backup.bootdrill.BootDrillReport;
import org.cfs.backup.config.Size;

/** {@code drill --boot [SOURCE...] [--json]} (issue 16): how {@link DrillCommand} prints a boot drill's report. */
final class BootDrillCli {
    private BootDrillCli() {
    }

    /** Prints the report (text or --json) and returns its exit code. */
    static int print(DrillCommand cmd, BootDrillReport r, boolean json) {
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
        }
        return r.exitCode();
    }
}
