package org.cfs.backup.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.config.Size;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.restore.RestoreOperation;
import org.cfs.backup.restore.RestoreReport;
import org.cfs.backup.restore.RestoreRequest;
import org.cfs.backup.state.OperationLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code restore SOURCE [--snapshot ID|latest] [--target DIR] [--include PATH]... [--pipe-to CMD] [--dry-run] [--yes] [--json]}, {@code restore --all}. */
@Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore a source into an empty folder, in place, or (dumps) into a command.")
final class RestoreCommand extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SOURCE", description = "The source to restore (or --all).")
    String source;

    @Option(names = "--all", description = "Restore every source in place (folders, then volumes, then dumps with their restore-command); the day of disaster.")
    boolean all;

    @Option(names = "--snapshot", paramLabel = "ID", description = "Snapshot id (prefix) or 'latest' (default).")
    String snapshot;

    @Option(names = "--target", paramLabel = "DIR", description = "Absent or empty folder; the source's tree lands at its root. Without it: in place.")
    Path target;

    @Option(names = "--include", paramLabel = "PATH", description = "Restore only this path (relative to the source's root); repeatable; needs --target.")
    List<String> includes = new ArrayList<>();

    @Option(names = "--pipe-to", paramLabel = "\"CMD ARGS\"", description = {"Dump sources: stream the dump into this command (no shell).",
                    "A --databases or --all-databases dump carries its own CREATE DATABASE and USE lines: it loads into the"
                    + " databases it was taken from, whatever database the command names. To load it under another name,"
                    + " restore it with --target and edit (or sed) its CREATE DATABASE/USE lines first."})
    String pipeTo;

    @Option(names = "--dry-run", description = "Show what would be added, changed and removed; touch nothing.")
    boolean dryRun;

    @Option(names = "--yes", description = "Confirm an in-place restore without asking (needed when stdin is not a terminal).")
    boolean yes;

    @Mixin
    JsonMixin output;

    @Option(names = "--host", paramLabel = "NAME", description = "Restore a snapshot of this host (default: the config's host), e.g. of a machine that is gone.")
    String host;

    @Override
    public Integer call() {
        if (target != null && !target.isAbsolute()) {
            // said before anything is written: a relative folder is easy to misplace at 3 a.m.
            target = target.toAbsolutePath().normalize();
            err().println("cfs-backup: --target is relative: restoring into " + target);
            err().flush();
        }
        Services s = services();
        progress = progressLine(output.json); // issue 14: null unless a terminal and not --json
        ProgressLine progress = this.progress;
        RestoreOperation op = new RestoreOperation(s.config(), s.restic(), s.docker(), s.journal(), s.cancellation(),
                s.history(), s.auditLog(), line -> {
                    if (progress != null) {
                        progress.clear();
                    }
                    err().println("cfs-backup: " + line);
                }, s.runner()).progress(progress);
        try (progress) {
            return restore(s, op);
        }
    }

    /** The progress line on a terminal, else null. */
    private ProgressLine progress;

    private void endProgressLine() {
        if (progress != null) {
            progress.clear();
        }
    }

    private Integer restore(Services s, RestoreOperation op) {
        if (all) {
            return restoreAll(s, op);
        }
        if (source == null) {
            throw CfsException.usage("name the SOURCE to restore, or give --all");
        }
        RestoreRequest req = new RestoreRequest(source, snapshot, target, includes, dryRun, pipeTo, host);
        SourceConfig sc = op.validate(req);
        if (RestoreOperation.inPlace(sc, req) && !dryRun && !yes) {
            confirm(sc);
        }
        RestoreReport r;
        try (OperationLock lock = s.lock(dryRun ? "restore --dry-run" : "restore")) {
            r = op.run(req);
        }
        endProgressLine();
        if (output.json) {
            JsonOutput.print(out(), r);
            return ExitCode.OK;
        }
        if (r.dryRun() && r.added() != null) {
            out().printf(Locale.ROOT, "dry run: restoring %s snapshot %s in place (%s) would add %d, change %d, remove %d%n",
                    r.source(), r.snapshotId(), r.target(), r.addedCount(), r.changedCount(), r.removedCount());
            r.added().forEach(p -> out().println("  + " + p));
            r.changed().forEach(p -> out().println("  ~ " + p));
            r.removed().forEach(p -> out().println("  - " + p));
            long shown = r.added().size() + r.changed().size() + r.removed().size();
            long total = r.addedCount() + r.changedCount() + r.removedCount();
            if (shown < total) {
                out().println("  ... and " + (total - shown) + " more (see --json)");
            }
            return ExitCode.OK;
        }
        if (r.dryRun()) {
            out().printf(Locale.ROOT, "dry run: %s snapshot %s would be restored to %s (%d files, %s)%n", r.source(),
                    r.snapshotId(), r.target(), r.filesRestored(), Size.human(r.bytesRestored()));
            return ExitCode.OK;
        }
        out().printf(Locale.ROOT, "restored %s snapshot %s to %s: %d files, %s in %.1fs%n", r.source(), r.snapshotId(),
                r.target(), r.filesRestored(), Size.human(r.bytesRestored()), r.durationS());
        if (r.preRestoreSnapshotId() != null) {
            out().println("the previous state is snapshot " + r.preRestoreSnapshotId() + " (tagged pre-restore): "
                    + "cfs-backup restore " + r.source() + " --snapshot " + r.preRestoreSnapshotId() + " undoes this");
        }
        if (!r.containersStopped().isEmpty()) {
            out().printf(Locale.ROOT, "containers stopped and started again: %s (downtime %.1fs)%n",
                    String.join(", ", r.containersStopped()), r.downtimeS());
        }
        return ExitCode.OK;
    }

    private int restoreAll(Services s, RestoreOperation op) {
        if (source != null || target != null || !includes.isEmpty() || pipeTo != null || snapshot != null) {
            throw CfsException.usage("--all restores the latest snapshot of every source in place: it takes no SOURCE, "
                    + "--target, --include, --pipe-to or --snapshot");
        }
        var sources = s.config().sources();
        if (sources.isEmpty()) {
            throw CfsException.usage("no sources configured in " + s.config().file());
        }
        if (!dryRun && !yes) {
            Prompts console = root().prompts();
            if (!console.available()) {
                throw CfsException.usage("restore --all replaces the live data of every source: pass --yes (stdin is "
                        + "not a terminal), or --dry-run to preview");
            }
            String answer = console.readLine("Replace the live data of all %d sources with their latest snapshots "
                    + "(each current state is saved as a pre-restore snapshot first)? [y/N] ", sources.size());
            if (answer == null || !(answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"))) {
                throw CfsException.usage("restore cancelled: nothing was changed");
            }
        }
        org.cfs.backup.restore.RestoreAllOperation.Report r;
        try (OperationLock lock = s.lock(dryRun ? "restore --all --dry-run" : "restore --all")) {
            r = new org.cfs.backup.restore.RestoreAllOperation(s.config(), s.docker(), op, s.cancellation(),
                    line -> err().println("cfs-backup: " + line)).run(sources, dryRun, host, o -> {
                        if (!output.json) {
                            endProgressLine();
                            out().printf(Locale.ROOT, "%-20s %-6s %-9s %s (%.1fs)%n", o.source(), o.status().equals("ok")
                                    ? (dryRun ? "would" : "ok") : "FAILED", o.snapshotId() == null ? "-" : o.snapshotId(),
                                    o.error() != null ? o.error() : o.detail(), o.durationS());
                            out().flush();
                        }
                    });
        }
        if (output.json) {
            JsonOutput.print(out(), r);
        } else {
            long failed = r.sources().stream().filter(o -> o.status().equals("failed")).count();
            out().printf(Locale.ROOT, "%s: %d of %d sources %s%s in %.1fs%n", dryRun ? "dry run" : "restore --all",
                    r.sources().size() - failed, r.sources().size(), dryRun ? "can be restored" : "restored",
                    failed == 0 ? "" : ", " + failed + " FAILED", r.durationS());
        }
        if (r.exitCode() != ExitCode.OK) {
            err().println("cfs-backup: restore --all failed for " + String.join(", ", r.sources().stream()
                    .filter(o -> o.status().equals("failed")).map(org.cfs.backup.restore.RestoreAllOperation.SourceOutcome::source).toList()));
        }
        return r.exitCode();
    }

    private void confirm(SourceConfig sc) {
        Prompts console = root().prompts();
        if (!console.available()) {
            throw CfsException.usage("restoring '" + sc.name() + "' in place replaces its live data: pass --yes "
                    + "(stdin is not a terminal), or --dry-run to preview");
        }
        String answer = console.readLine("Replace the live data of '%s' with snapshot %s (its current state is saved "
                + "as a pre-restore snapshot first)? [y/N] ", sc.name(), snapshot == null ? "latest" : snapshot);
        if (answer == null || !(answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"))) {
            throw CfsException.usage("restore cancelled: nothing was changed");
        }
    }
}
