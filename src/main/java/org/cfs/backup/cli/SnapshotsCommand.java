package org.cfs.backup.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.cfs.backup.ExitCode;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.restic.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code snapshots [SOURCE...] [--host NAME | --all-hosts] [--json]}: the repository's snapshots, per source. */
@Command(name = "snapshots", description = "List snapshots per source.")
final class SnapshotsCommand extends BaseCommand {
    @Parameters(paramLabel = "SOURCE", arity = "0..*", description = "Sources to list (default: all).")
    List<String> sources = new ArrayList<>();

    @Mixin
    JsonMixin output;

    @Option(names = "--host", paramLabel = "NAME", description = "List the snapshots of this host (default: the config's host).")
    String host;

    @Option(names = "--all-hosts", description = "List the snapshots of every host.")
    boolean allHosts;

    /** One line of {@code snapshots --json}. */
    record Row(String id, String shortId, Instant time, String source, String host, List<String> paths,
               List<String> tags) {
    }

    @Override
    public Integer call() {
        Services s = services();
        Config c = s.config();
        List<String> names = c.select(sources).stream().map(SourceConfig::name).toList();
        if (allHosts && host != null) {
            throw org.cfs.backup.CfsException.usage("give --host NAME or --all-hosts, not both");
        }
        String forHost = allHosts ? null : host != null ? host : c.host();
        List<Snapshot> snaps = names.isEmpty() ? List.of() : s.restic().snapshots(forHost, names);
        List<Row> rows = new ArrayList<>();
        for (Snapshot sn : snaps) {
            String source = sn.tagsOrEmpty().stream().filter(names::contains).findFirst().orElse(null);
            if (source == null) {
                continue;
            }
            rows.add(new Row(sn.id(), sn.shortIdOrPrefix(), sn.time(), source, sn.hostname(), sn.paths(), sn.tagsOrEmpty()));
        }
        rows.sort(Comparator.comparing(Row::source).thenComparing(Row::time));
        if (output.json) {
            JsonOutput.print(out(), rows);
            return ExitCode.OK;
        }
        String current = null;
        for (Row r : rows) {
            if (!r.source().equals(current)) {
                current = r.source();
                out().println(current + ":");
            }
            List<String> extra = r.tags().stream().filter(t -> !t.equals(r.source())).toList();
            out().printf(Locale.ROOT, "  %s  %s  %s%s%s%n", r.shortId(), r.time(), forHost == null ? r.host() + "  " : "",
                    String.join(" ", r.paths()),
                    extra.isEmpty() ? "" : "  [" + String.join(",", extra) + "]");
        }
        if (rows.isEmpty()) {
            out().println(forHost == null ? "no snapshots" : "no snapshots of host " + forHost);
            if (forHost != null && !names.isEmpty()) {
                List<String> others = org.cfs.backup.restore.SnapshotSelector.otherHosts(
                        s.restic().snapshots(null, names), null, forHost);
                if (!others.isEmpty()) {
                    err().println("cfs-backup: the repository has snapshots from host" + (others.size() == 1 ? " " : "s ")
                            + String.join(", ", others) + ": use --host " + others.get(0) + " or --all-hosts");
                }
            }
        }
        return ExitCode.OK;
    }
}
