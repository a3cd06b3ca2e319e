package org.cfs.backup.cli;

import java.util.Locale;

import org.cfs.backup.alert.Alerts;
import org.cfs.backup.config.Config;
import org.cfs.backup.retention.PruneOperation;
import org.cfs.backup.retention.PruneReport;
import org.cfs.backup.state.OperationLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prune [--dry-run] [--force] [--json]}: forget by retention per source, then prune. */
@Command(name = "prune", description = "Forget snapshots by the retention policy, per source, then prune the repository.")
final class PruneCommand extends BaseCommand {
    @Option(names = "--dry-run", description = "Show what would be forgotten; change nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Forget even sources whose newest snapshot shrank to less than half (the shrink guard).")
    boolean force;

    @Option(names = "--json", description = "Print one JSON document on stdout.")
    boolean json;

    @Override
    public Integer call() {
        Services s = services();
        Config c = s.config();
        PruneReport report;
        try (OperationLock lock = s.lock(dryRun ? "prune --dry-run" : "prune")) {
            PruneOperation op = new PruneOperation(c, s.restic(), s.rclone(), s.cancellation(),
                    s.history(), s.auditLog(), line -> err().println("cfs-backup: " + line));
            report = op.run(c.sources(), dryRun, force);
        }
        alert(s.alerts(), report);
        if (json) {
            JsonOutput.print(out(), report);
        } else {
            for (PruneReport.SourcePrune r : report.sources()) {
                String what = r.error() != null ? "error: " + r.error()
                        : r.guarded() ? "HELD by the shrink guard: " + r.guardReason()
                        : String.format(Locale.ROOT, "keeps %d, %s %d%s", r.kept(), dryRun ? "would remove" : "removed",
                        r.removed(), r.removedIds().isEmpty() ? "" : " (" + String.join(" ", r.removedIds()) + ")");
                out().printf(Locale.ROOT, "%-20s %s%n", r.source(), what);
            }
            if (report.pruneSummary() != null) {
                out().println("prune: " + report.pruneSummary());
            }
            if (report.error() != null) {
                out().println("prune failed: " + report.error());
            }
            if (report.trashNote() != null) {
                out().println("note: " + report.trashNote());
            }
            out().println("prune " + report.status() + (dryRun ? " (dry run)" : ""));
        }
        return report.exitCode();
    }

    private void alert(Alerts alerts, PruneReport report) {
        if (report.dryRun()) {
            return;
        }
        try {
            for (PruneReport.SourcePrune r : report.sources()) {
                if (r.guarded()) {
                    alerts.raise("prune-guard:" + r.source(), Alerts.Severity.CRITICAL,
                            "prune guard holds " + r.source(), r.guardReason());
                } else if (r.error() == null) {
                    alerts.clear("prune-guard:" + r.source(), "prune of " + r.source() + " no longer guarded");
                }
            }
        } catch (RuntimeException e) {
            err().println("cfs-backup: alert: " + e.getMessage());
        }
    }
}
