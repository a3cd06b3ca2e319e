package org.cfs.backup.cli;

import org.cfs.backup.ExitCode;
import org.cfs.backup.browse.SnapshotBrowser;
import org.cfs.backup.browse.SnapshotDiff;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code diff SOURCE [ID1 [ID2]] [--json]}: what was added, removed and changed between two snapshots. */
@Command(name = "diff", mixinStandardHelpOptions = true, description = "Compare two snapshots of a source (default: the two newest; one id: that one against the newest).")
final class DiffCommand extends BrowseCommand {
    @Parameters(index = "0", paramLabel = "SOURCE", description = "The source.")
    String source;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID1", description = "The older snapshot (id prefix).")
    String from;

    @Parameters(index = "2", arity = "0..1", paramLabel = "ID2", description = "The newer snapshot (default: the newest).")
    String to;

    @Override
    public Integer call() {
        Services s = services();
        SnapshotBrowser b = browser(s);
        SnapshotDiff d = b.diff(b.source(source), from, to);
        if (output.json) {
            JsonOutput.print(out(), d);
            return ExitCode.OK;
        }
        out().println("diff " + source + " " + d.from().substring(0, 8) + " -> " + d.to().substring(0, 8));
        d.added().forEach(p -> out().println("+ " + p));
        d.removed().forEach(p -> out().println("- " + p));
        d.changed().forEach(p -> out().println("M " + p));
        out().printf("%d added, %d removed, %d changed%s%n", d.addedCount(), d.removedCount(), d.changedCount(),
                d.truncated() ? " (lists cut at " + SnapshotBrowser.DIFF_LIST_CAP + ")" : "");
        return ExitCode.OK;
    }
}
