package org.cfs.backup.cli;

import java.util.Locale;

import org.cfs.backup.JobRequest;
import org.cfs.backup.drill.CheckOperation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code check [--read-data-subset SPEC] [--json]}: restic check after removing stale locks. */
@Command(name = "check", description = "Check the repository (restic check); damage exits 1.")
final class CheckCommand extends BaseCommand {
    @Option(names = "--read-data-subset", paramLabel = "SPEC", description = "Also read this share of the data: n/t (1 <= n <= t), x%% (0 < x <= 100) or a size (500MiB, 2GiB); a bad SPEC exits 2.")
    String subset;

    @Mixin
    JsonMixin output;

    @Override
    public Integer call() {
        CheckOperation.CheckReport r;
        try (ProgressLine progress = progressLine(output.json)) {
            r = jobs().steps(progress).check(JobRequest.all().withReadDataSubset(subset));
        }
        if (output.json) {
            JsonOutput.print(out(), r);
        } else if (r.ok()) {
            out().printf(Locale.ROOT, "repository ok%s (%.1fs)%n", r.readDataSubset() == null ? ""
                    : ", data subset " + r.readDataSubset() + " read", r.durationS());
        } else {
            out().println("repository DAMAGED: restic check found errors:");
            r.errors().forEach(e -> out().println("  " + e));
        }
        if (!r.ok()) {
            err().println("cfs-backup: restic check found damage in the repository (" + r.errors().size()
                    + " error lines); see above");
        }
        return r.exitCode();
    }
}
