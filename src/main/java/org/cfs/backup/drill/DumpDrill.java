package org.cfs.backup.drill;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ObservedInputStream;
import org.cfs.backup.process.ProcessSpec;
import org.cfs.backup.process.StreamTail;
import org.cfs.backup.restic.Snapshot;

/**
 * The drill of a dump (command) source: the dump is non-empty, as long as listed, ends with
 * mariadb-dump's completion trailer when it is one, and is accepted by the optional drill-command
 * (which reads it on stdin).
 */
final class DumpDrill extends DrillRun {
    DumpDrill(DrillContext ctx, SourceConfig source) {
        super(ctx, source, "dump");
    }

    private static final java.util.regex.Pattern DUMP_PROGRAM =
            java.util.regex.Pattern.compile("(^|[/\\s])(mariadb-dump|mysqldump)(\\s|$)");

    /** True when the command runs mariadb-dump or mysqldump (directly, through docker exec or a shell). */
    static boolean isMariadbDump(List<String> command) {
        return command != null && command.stream().anyMatch(a -> DUMP_PROGRAM.matcher(a).find());
    }

    @Override
    void drill(Snapshot snap) {
        SourceConfig s = source;
        if (snap.paths() == null || snap.paths().size() != 1) {
            problems.add("snapshot " + snap.shortIdOrPrefix() + " is not a single dump file: " + snap.paths());
            return;
        }
        String path = snap.paths().get(0);
        AtomicLong listed = new AtomicLong(-1);
        ctx.restic().ls(snap.id(), List.of(path), n -> {
            if (n.path().equals(path)) {
                listed.set(n.size());
            }
        });
        AtomicReference<ProcessResult> drillCmd = new AtomicReference<>();
        StreamTail tc = new StreamTail(512); // the bytes and the last ones, for the completeness trailer
        ProcessResult r = ctx.restic().dump(snap.id(), path, in -> {
            InputStream watched = new ObservedInputStream(in, tc);
            if (s.drillCommand() != null) {
                drillCmd.set(ctx.runner().run(ProcessSpec.of(s.drillCommand()).stdin(watched)
                        .env("CFS_BACKUP_SOURCE", s.name()).build()));
            } else {
                watched.transferTo(OutputStream.nullOutputStream());
            }
        }, ctx.progress());
        if (r.cancelled()) {
            throw new CancelledException();
        }
        if (!r.ok()) {
            problems.add(ctx.restic().failure("restic dump of " + path, r).getMessage());
        }
        long bytes = tc.count();
        if (bytes == 0) {
            problems.add(path + ": the dump is empty");
        } else if (listed.get() >= 0 && bytes != listed.get()) {
            problems.add(path + ": " + bytes + " bytes read, " + listed.get() + " listed");
        }
        if (bytes > 0 && isMariadbDump(s.command()) && !tc.text().contains("-- Dump completed")) {
            problems.add(path + ": incomplete dump: no '-- Dump completed' trailer at its end");
        }
        ProcessResult d = drillCmd.get();
        if (d != null && !d.ok()) {
            problems.add("drill-command " + s.drillCommand().get(0) + " exited " + d.exitCode() + d.stderrSuffix());
        }
        if (problems.isEmpty()) {
            verified(1, bytes);
        }
    }
}
