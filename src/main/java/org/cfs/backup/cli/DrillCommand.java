package org.cfs.backup.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.cfs.backup.JobRequest;
import org.cfs.backup.config.Size;
import org.cfs.backup.drill.DrillReport;
import org.cfs.backup.drill.SourceDrill;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code drill [SOURCE...] [--full] [--json]}: proves the latest snapshots restore and are intact. */
@Command(name = "drill", description = "Prove that the latest snapshots restore and are intact (streaming; --full restores for real).")
final class DrillCommand extends BaseCommand {
    @Parameters(paramLabel = "SOURCE", arity = "0..*", description = "Sources to drill (default: all).")
    List<String> sources = new ArrayList<>();

    @Option(names = "--full", description = "Restore into a scratch folder, verify, measure RTO and throughput, remove it.")
    boolean full;

    @Mixin
    JsonMixin output;

    @Option(names = "--host", paramLabel = "NAME", description = "Drill the snapshots of this host (default: the config's host).")
    String host;

    @Option(names = "--boot", description = "Boot drill: start a throw-away copy of each app on its restored data (no network);"
            + " load MariaDB dumps into a throw-away server; check every SQLite database.")
    boolean boot;

    @Override
    public Integer call() {
        if (boot) {
            if (full) {
                throw org.cfs.backup.CfsException.usage("--boot and --full are separate drills: run one, then the other");
            }
            return BootDrillCli.print(this, jobs().bootDrill(JobRequest.of(sources)), output.json);
        }
        DrillReport r;
        try (ProgressLine progress = progressLine(output.json)) {
            r = jobs().steps(progress).drill(JobRequest.of(sources).withFull(full).withHost(host));
        }
        if (output.json) {
            JsonOutput.print(out(), r);
        } else {
            for (SourceDrill d : r.sources()) {
                out().printf(Locale.ROOT, "%-20s %-6s %s %s files, %s, %.1fs%s%n", d.source(), d.passed() ? "passed" : "FAILED",
                        d.snapshotId() == null ? "-" : d.snapshotId(), d.filesVerified(), Size.human(d.bytesVerified()),
                        d.durationS(), d.rtoS() == null ? "" : String.format(Locale.ROOT, ", RTO %.1fs at %.1f MiB/s",
                                d.rtoS(), d.throughputMibS()));
                d.problems().forEach(p -> out().println("    " + p));
            }
            out().println(r.passed() ? "drill passed" : "drill FAILED");
        }
        if (!r.passed()) {
            err().println("cfs-backup: drill failed for " + String.join(", ",
                    r.sources().stream().filter(d -> !d.passed()).map(SourceDrill::source).toList()));
        }
        return r.exitCode();
    }
}
