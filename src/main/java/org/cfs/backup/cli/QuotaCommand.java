package org.cfs.backup.cli;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.cfs.backup.config.Config;
import org.cfs.backup.config.Size;
import org.cfs.backup.quota.QuotaCheck;
import org.cfs.backup.quota.QuotaReport;
import org.cfs.backup.quota.QuotaSamples;
import org.cfs.backup.state.RunRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quota [--json]}: free space on the remote, its level and the days until full. */
@Command(name = "quota", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, description = "Free space on the remote (rclone about), level and forecast. Exit 0 ok, 3 warning, 1 critical or unknown.")
final class QuotaCommand extends BaseCommand {
    @Option(names = "--json", description = "Print one JSON document on stdout.")
    boolean json;

    @Override
    public Integer call() {
        Services s = services();
        Config c = s.config();
        Instant start = Instant.now();
        QuotaReport r = new QuotaCheck(s.rclone(), c.rclone().remote(), c.quota(), new QuotaSamples(c.stateDir()),
                s.clock()).run();
        s.auditLog().record("quota", r.level(), "remote=" + r.remote()
                + (r.free() == null ? "" : " free=" + r.free()) + (r.error() == null ? "" : " error=\"" + r.error() + "\""));
        String status = switch (r.level()) {
            case "ok" -> "ok";
            case "warning" -> "partial";
            default -> "failed";
        };
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("level", r.level());
        figures.put("free", r.free());
        s.history().append(new RunRecord("quota", null, start, Instant.now(), status,
                null, figures, r.error()));
        if (json) {
            JsonOutput.print(out(), r);
            return r.exitCode();
        }
        out().printf(Locale.ROOT, "remote          %s:%n", r.remote());
        out().printf(Locale.ROOT, "level           %s%n", r.level());
        out().printf(Locale.ROOT, "free            %s%n", human(r.free()));
        out().printf(Locale.ROOT, "used            %s%n", human(r.used()));
        out().printf(Locale.ROOT, "total           %s%n", human(r.total()));
        out().printf(Locale.ROOT, "trashed         %s%n", human(r.trashed()));
        out().printf(Locale.ROOT, "days until full %s%n", r.daysUntilFull() == null ? "- (no growth or too few samples)"
                : r.daysUntilFull());
        if (r.error() != null) {
            out().println("error           " + r.error());
        }
        if (r.advice() != null) {
            out().println("advice          " + r.advice());
        }
        return r.exitCode();
    }

    private static String human(Long v) {
        return v == null ? "-" : Size.human(v) + " (" + v + ")";
    }
}
