package org.cfs.backup.cli;

import java.util.Locale;

import org.cfs.backup.config.Size;
import org.cfs.backup.quota.QuotaReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code quota [--json]}: free space on the remote, its level and the days until full. */
@Command(name = "quota", description = "Free space on the remote (rclone about), level and forecast. Exit 0 ok, 3 warning, 1 critical or unknown.")
final class QuotaCommand extends BaseCommand {
    @Mixin
    JsonMixin output;

    @Override
    public Integer call() {
        QuotaReport r = jobs().quota();
        if (output.json) {
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
