package org.cfs.backup.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.cfs.backup.ExitCode;
import org.cfs.backup.browse.Entry;
import org.cfs.backup.browse.Page;
import org.cfs.backup.browse.SnapshotBrowser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ls SOURCE [PATH] [--snapshot ID] [--after NAME] [--limit N] [--json]}: one folder of a snapshot. */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "List one folder of a snapshot (PATH relative to the source's root, as with restore --include).")
final class LsCommand extends BrowseCommand {
    @Parameters(index = "0", paramLabel = "SOURCE", description = "The source.")
    String source;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "Folder or file relative to the source's root (default: the root).")
    String path = "/";

    @Option(names = "--snapshot", paramLabel = "ID", description = "Snapshot id (prefix) or 'latest' (default).")
    String snapshot;

    @Option(names = "--after", paramLabel = "NAME", description = "Start after this name (paging).")
    String after;

    @Option(names = "--limit", paramLabel = "N", description = "At most N entries (default: all, read page by page).")
    int limit;

    @Override
    public Integer call() {
        Services s = services();
        SnapshotBrowser b = browser(s);
        SnapshotBrowser.Resolved r = b.resolve(source, snapshot);
        Page page;
        if (limit > 0) {
            page = b.list(r, path, after, limit);
        } else {
            // the whole folder, a page at a time (never more than one page of restic's output unread)
            List<Entry> all = new ArrayList<>();
            String from = after;
            do {
                page = b.list(r, path, from, SnapshotBrowser.MAX_LIMIT);
                all.addAll(page.entries());
                from = page.next();
            } while (from != null);
            page = new Page(page.snapshotId(), page.source(), page.path(), all, null);
        }
        if (output.json) {
            JsonOutput.print(out(), page);
            return ExitCode.OK;
        }
        for (Entry e : page.entries()) {
            out().printf(Locale.ROOT, "%s %s %5d %5d %12d %s %s%s%n", typeChar(e.type()), e.mode(), e.uid(), e.gid(),
                    e.size(), e.mtime() == null ? "-" : e.mtime().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                    e.name(), "dir".equals(e.type()) ? "/" : e.linktarget() == null ? "" : " -> " + e.linktarget());
        }
        if (page.next() != null) {
            out().println("(more: --after '" + page.next() + "')");
        }
        return ExitCode.OK;
    }

    private static String typeChar(String type) {
        return switch (type == null ? "" : type) {
            case "dir" -> "d";
            case "symlink" -> "l";
            case "file" -> "-";
            default -> "?";
        };
    }
}
