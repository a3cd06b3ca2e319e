package org.cfs.backup.cli;

import java.util.Locale;

import org.cfs.backup.JobRequest;
import org.cfs.backup.retention.PruneReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code prune [--dry-run] [--force] [--json]}: forget by retention per source, then prune. */
@Command(name = "prune", description = "Forget snapshots by the retention policy, per source, then prune the repository.")
final class PruneCommand extends BaseCommand {
    @Option(names = "--dry-run", description = "Show what would be forgotten; change nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Forget even sources whose newest snapshot shrank to less than half (the shrink guard).")
    boolean force;

    @Mixin
    JsonMixin output;

    @Override
    public Integer call() {
        PruneReport report;
        try (ProgressLine progress = progressLine(output.json)) {
            report = jobs().steps(progress).prune(JobRequest.all().withDryRun(dryRun).withForce(force));
        }
        if (output.json) {
            JsonOutput.print(out(), report);
        } else {
            for (PruneReport.SourcePrune r : report.sources()) {
                String what = r.error() != null ? "error: " + r.error()
                        : r.guarded() ? "HELD by the shrink guard: " + r.guardReason()
                        : String.format(Locale.ROOT, "keeps %d, %s %d%s", r.kept(), dryRun ? "would remove" : "removed",
                        r.removed(), r.removedIds().isEmpty() ? "" : " (" + String.join(" ", r.removedIds()) + ")");
                out().printf(Locale.ROOT, "%-20s %s%n", r.label(), what);
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
}
