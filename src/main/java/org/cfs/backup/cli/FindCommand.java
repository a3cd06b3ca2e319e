package org.cfs.backup.cli;

import java.util.List;
import java.util.Locale;

import org.cfs.backup.ExitCode;
import org.cfs.backup.browse.FindMatch;
import org.cfs.backup.browse.SnapshotBrowser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code find SOURCE PATTERN [--json]}: which snapshots hold a file, newest first. */
@Command(name = "find", mixinStandardHelpOptions = true, description = "Find which snapshots of a source hold a file (restic's patterns: name or glob), newest first.")
final class FindCommand extends BrowseCommand {
    @Parameters(index = "0", paramLabel = "SOURCE", description = "The source.")
    String source;

    @Parameters(index = "1", paramLabel = "PATTERN", description = "A name or glob, like notes.txt or '*.sql'.")
    String pattern;

    @Override
    public Integer call() {
        Services s = services();
        SnapshotBrowser b = browser(s);
        List<FindMatch> matches = b.find(b.source(source), pattern);
        if (output.json) {
            JsonOutput.print(out(), matches);
            return ExitCode.OK;
        }
        for (FindMatch m : matches) {
            out().printf(Locale.ROOT, "%s  %s  %-7s %12d  %s%n", m.shortId(), m.time(), m.type(), m.size(), m.path());
        }
        if (matches.isEmpty()) {
            out().println("no snapshot of " + source + " holds " + pattern);
        }
        return ExitCode.OK;
    }
}
