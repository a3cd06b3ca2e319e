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
import org.cfs.backup.process.ProcessSpec;
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

    /** Counts the bytes that pass and keeps the last ones, for the completeness trailer. */
    static final class TailCounter extends FilterInputStream {
        private final byte[] tail = new byte[512];
        private int pos;
        private boolean wrapped;
        long count;

        TailCounter(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                keep(new byte[] {(byte) b}, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                keep(b, off, n);
            }
            return n;
        }

        private void keep(byte[] b, int off, int n) {
            count += n;
            for (int i = Math.max(off, off + n - tail.length); i < off + n; i++) {
                tail[pos] = b[i];
                pos = (pos + 1) % tail.length;
                if (pos == 0) {
                    wrapped = true;
                }
            }
        }

        String tail() {
            byte[] out;
            if (!wrapped) {
                out = java.util.Arrays.copyOf(tail, pos);
            } else {
                out = new byte[tail.length];
                System.arraycopy(tail, pos, out, 0, tail.length - pos);
                System.arraycopy(tail, 0, out, tail.length - pos, pos);
            }
            return new String(out, StandardCharsets.UTF_8);
        }
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
        AtomicReference<TailCounter> counter = new AtomicReference<>();
        ProcessResult r = ctx.restic().dump(snap.id(), path, in -> {
            TailCounter tc = new TailCounter(in);
            counter.set(tc);
            if (s.drillCommand() != null) {
                drillCmd.set(ctx.runner().run(ProcessSpec.of(s.drillCommand()).stdin(tc)
                        .env("CFS_BACKUP_SOURCE", s.name()).build()));
            } else {
                tc.transferTo(OutputStream.nullOutputStream());
            }
        }, ctx.progress());
        if (r.cancelled()) {
            throw new CancelledException();
        }
        if (!r.ok()) {
            problems.add(ctx.restic().failure("restic dump of " + path, r).getMessage());
        }
        TailCounter tc = counter.get();
        long bytes = tc == null ? 0 : tc.count;
        if (bytes == 0) {
            problems.add(path + ": the dump is empty");
        } else if (listed.get() >= 0 && bytes != listed.get()) {
            problems.add(path + ": " + bytes + " bytes read, " + listed.get() + " listed");
        }
        if (bytes > 0 && isMariadbDump(s.command()) && !tc.tail().contains("-- Dump completed")) {
            problems.add(path + ": incomplete dump: no '-- Dump completed' trailer at its end");
        }
        ProcessResult d = drillCmd.get();
        if (d != null && !d.ok()) {
            String tail = d.stderrTail().strip();
            int nl = tail.lastIndexOf('\n');
            problems.add("drill-command " + s.drillCommand().get(0) + " exited " + d.exitCode()
                    + (tail.isEmpty() ? "" : ": " + (nl >= 0 ? tail.substring(nl + 1) : tail)));
        }
        if (problems.isEmpty()) {
            verified(1, bytes);
        }
    }
}
