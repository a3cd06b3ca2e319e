package org.cfs.backup.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.cfs.backup.CfsException;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ObservedInputStream;
import org.cfs.backup.process.ProcessSpec;
import org.cfs.backup.restic.Snapshot;

import static org.cfs.backup.restore.RestoreContext.relative;
import static org.cfs.backup.restore.RestoreContext.seconds;

/**
 * A dump (command) source restored: the dump file written into a folder ({@code --target}), or
 * streamed into a command ({@code --pipe-to}, else the source's {@code restore-command}).
 */
final class DumpRestore {
    private final RestoreContext ctx;

    DumpRestore(RestoreContext ctx) {
        this.ctx = ctx;
    }

    static String dumpPath(Snapshot snap) {
        if (snap.paths() == null || snap.paths().size() != 1) {
            throw CfsException.failed("snapshot " + snap.shortIdOrPrefix() + " is not a single dump file: " + snap.paths());
        }
        return snap.paths().get(0);
    }

    RestoreReport toTarget(SourceConfig s, Snapshot snap, RestoreRequest req) {
        long t0 = System.nanoTime();
        Path target = req.target().toAbsolutePath().normalize();
        String path = dumpPath(snap);
        Path file = target.resolve(relative(path));
        if (req.dryRun()) {
            AtomicLong size = new AtomicLong();
            ctx.restic().ls(snap.id(), List.of(path), n -> {
                if (n.isFile() && n.path().equals(path)) {
                    size.set(n.size());
                }
            });
            return RestoreReport.intoTarget(s.name(), snap.shortIdOrPrefix(), file.toString(), true, 1, size.get(),
                    seconds(t0));
        }
        boolean created = !Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
        AtomicLong bytes = new AtomicLong();
        try {
            Files.createDirectories(file.getParent());
            // 0600 from the first byte: an all-databases dump holds password hashes
            Files.deleteIfExists(partial);
            Files.createFile(partial, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            ProcessResult r = ctx.restic().dump(snap.id(), path, in -> {
                try (OutputStream out = Files.newOutputStream(partial)) {
                    bytes.set(in.transferTo(out));
                }
            }, ctx.progress());
            if (!r.ok()) {
                throw ctx.restic().failure("restic dump", r);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            ctx.cleanUpTarget(target, partial, created);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw CfsException.failed("writing " + file + " failed: " + e.getMessage());
        }
        return RestoreReport.intoTarget(s.name(), snap.shortIdOrPrefix(), file.toString(), false, 1, bytes.get(),
                seconds(t0));
    }

    RestoreReport pipe(SourceConfig s, Snapshot snap, RestoreRequest req) {
        long t0 = System.nanoTime();
        List<String> cmd = req.pipeTo() != null ? CommandLineSplitter.split(req.pipeTo()) : s.restoreCommand();
        String what = req.pipeTo() != null ? "--pipe-to command " : "restore-command ";
        String path = dumpPath(snap);
        if (req.dryRun()) {
            return RestoreReport.piped(s.name(), snap.shortIdOrPrefix(), String.join(" ", cmd), true, 0, 0, seconds(t0));
        }
        AtomicReference<ProcessResult> child = new AtomicReference<>();
        AtomicLong bytes = new AtomicLong();
        ProcessResult dump = ctx.restic().dump(snap.id(), path, in -> {
            InputStream counting = new ObservedInputStream(in, (b, off, n) -> bytes.addAndGet(n));
            child.set(ctx.runner().run(ProcessSpec.of(cmd).stdin(counting).build()));
        }, ctx.progress());
        ProcessResult c = child.get();
        if (c == null) {
            throw CfsException.failed(what + cmd.get(0) + " did not run");
        }
        if (!c.ok()) {
            throw CfsException.failed(what + cmd.get(0) + " exited " + c.exitCode() + c.stderrSuffix());
        }
        if (!dump.ok()) {
            throw ctx.restic().failure("restic dump", dump);
        }
        return RestoreReport.piped(s.name(), snap.shortIdOrPrefix(), String.join(" ", cmd), false, 1, bytes.get(),
                seconds(t0));
    }
}
