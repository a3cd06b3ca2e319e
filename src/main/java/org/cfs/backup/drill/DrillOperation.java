package org.cfs.backup.drill;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.cfs.backup.CfsException;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.Size;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.process.ProcessSpec;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticProgress;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.restore.SnapshotSelector;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;
import org.cfs.backup.state.Trees;

/**
 * Proves that the latest snapshot of each source restores and is intact. Streaming (default): the
 * snapshot's tar from {@code restic dump} is checked against {@code restic ls} and the live source
 * with no scratch disk and a flat heap. {@code --full}: a real, verified restore into a scratch
 * folder, timed (RTO). Dumps: non-empty, complete, and accepted by the optional drill-command.
 */
public final class DrillOperation {
    /** Free space a full drill keeps beyond the snapshot's size. */
    static final long FULL_DRILL_MARGIN = 64L * 1024 * 1024;

    private final Config config;
    private final Restic restic;
    private final Docker docker;
    private final Cancellation cancellation;
    private final RunHistory history;
    private final AuditLog auditLog;
    private final Consumer<String> log;
    /** Runs the programs that are not restic (a source's drill-command, sqlite3). */
    private final ProcessRunner runner;
    /** Told the bytes of each restic dump or restore (issue 14 progress); null when nobody watches. */
    private ResticProgress.Listener progress;
    /** Whose snapshots are drilled: the config's host unless {@code drill --host} names another. */
    private String host;

    public DrillOperation(Config config, Restic restic, Docker docker, Cancellation cancellation, RunHistory history,
                          AuditLog auditLog, Consumer<String> log, ProcessRunner runner) {
        this.runner = runner;
        this.config = config;
        this.restic = restic;
        this.docker = docker;
        this.cancellation = cancellation;
        this.history = history;
        this.auditLog = auditLog;
        this.log = log;
        this.host = config.host();
    }

    /** Tells the listener the progress of each restic call (issue 14: a terminal shows it); null for none. */
    public DrillOperation progress(ResticProgress.Listener listener) {
        this.progress = listener;
        return this;
    }

    /** Drills the snapshots of another host ({@code drill --host NAME}); null keeps the config's. */
    public DrillOperation host(String name) {
        this.host = name == null ? config.host() : name;
        return this;
    }

    public DrillReport run(List<SourceConfig> sources, boolean full) {
        Instant start = Instant.now();
        List<SourceDrill> results = new ArrayList<>();
        for (SourceConfig s : sources) {
            cancellation.check();
            Instant t0 = Instant.now();
            SourceDrill d = drillSource(s, full);
            results.add(d);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("duration_s", d.durationS());
            f.put("files_verified", d.filesVerified());
            f.put("bytes_verified", d.bytesVerified());
            f.put("mode", d.mode());
            if (d.rtoS() != null) {
                f.put("rto_s", d.rtoS());
                f.put("throughput_mib_s", d.throughputMibS());
            }
            history.append(new RunRecord("drill", s.name(), t0, Instant.now(), d.passed() ? "ok" : "failed",
                    d.snapshotId(), f, d.problems().isEmpty() ? null : d.problems().get(0)));
            auditLog.record("drill", d.passed() ? "ok" : "failed", "source=" + s.name()
                    + (d.snapshotId() == null ? "" : " snapshot=" + d.snapshotId())
                    + String.format(Locale.ROOT, " mode=%s files=%d bytes=%d duration_s=%.1f", d.mode(),
                    d.filesVerified(), d.bytesVerified(), d.durationS())
                    + (d.problems().isEmpty() ? "" : " problems=" + d.problems().size() + " first=\"" + d.problems().get(0) + "\""));
        }
        boolean passed = results.stream().allMatch(SourceDrill::passed);
        List<String> failedNames = results.stream().filter(r -> !r.passed()).map(SourceDrill::source).toList();
        history.append(new RunRecord("drill", null, start, Instant.now(), passed ? "ok" : "failed", null,
                Map.of("sources", results.size()), passed ? null : "drill failed for " + String.join(", ", failedNames)));
        auditLog.record("drill", passed ? "ok" : "failed", "sources=" + results.size()
                + (passed ? "" : " failed=" + String.join(",", failedNames)));
        return new DrillReport(passed, List.copyOf(results));
    }

    private SourceDrill drillSource(SourceConfig s, boolean full) {
        long t0 = System.nanoTime();
        Problems problems = new Problems();
        String mode = s.kind() == SourceConfig.Kind.COMMAND ? "dump" : full ? "full" : "stream";
        Snapshot snap;
        try {
            if (!full && s.kind() != SourceConfig.Kind.COMMAND) {
                long[] fb = new long[2];
                snap = streamLatest(s, problems, fb);
                if (snap != null) {
                    return new SourceDrill(s.name(), problems.isEmpty(), snap.shortIdOrPrefix(), fb[0], fb[1],
                            seconds(t0), problems.list(), mode, null, null);
                }
            }
            snap = new SnapshotSelector(restic, host).resolve(s, null);
        } catch (CancelledException e) {
            throw e;
        } catch (CfsException e) {
            problems.add(e.getMessage());
            return new SourceDrill(s.name(), false, null, 0, 0, seconds(t0), problems.list(), mode, null, null);
        }
        long[] fb = new long[2];
        Double[] rto = new Double[2];
        try {
            if (s.kind() == SourceConfig.Kind.COMMAND) {
                drillDump(s, snap, problems, fb);
            } else if (full) {
                drillFull(s, snap, problems, fb, rto);
            } else {
                drillStream(s, snap, problems, fb);
            }
        } catch (CancelledException e) {
            throw e;
        } catch (CfsException e) {
            problems.add(e.getMessage());
        }
        if (cancellation.isCancelled()) {
            throw new CancelledException();
        }
        return new SourceDrill(s.name(), problems.isEmpty(), snap.shortIdOrPrefix(), fb[0], fb[1], seconds(t0),
                problems.list(), mode, rto[0], rto[1]);
    }

    /** Where each snapshot path is live now (null: not comparable, e.g. a volume that is gone). */
    private Map<String, Path> liveRoots(SourceConfig s, Snapshot snap) {
        Map<String, Path> out = new LinkedHashMap<>();
        if (s.kind() == SourceConfig.Kind.VOLUME) {
            Path mp = null;
            try {
                mp = Path.of(docker.volume(s.volume()).mountpoint());
            } catch (CfsException e) {
                log.accept(s.name() + ": no live comparison: " + e.getMessage());
            }
            for (String p : snap.paths()) {
                out.put(p, mp);
            }
            return out;
        }
        for (String p : snap.paths()) {
            out.put(p, Files.isDirectory(Path.of(p)) ? Path.of(p) : null);
        }
        return out;
    }

    private ListingIndex index(Snapshot snap, String root) {
        ListingIndex index = new ListingIndex();
        String under = root.endsWith("/") ? root : root + "/";
        restic.ls(snap.id(), List.of(root), n -> {
            if (n.path().startsWith(under)) {
                index.put(n.path(), ListingIndex.type(n.type()), n.size(), n.mtimeNanos());
            }
        });
        return index;
    }

    /** Adds what the tar reader verified to the counts, then names what the stream never carried. */
    private void tally(Snapshot snap, String root, ListingIndex index, TarVerifier v, Problems problems, long[] fb) {
        if (v != null) {
            fb[0] += v.files;
            fb[1] += v.bytes;
        }
        if (index.unseenCount() > 0) {
            reportMissing(snap, root, index, problems);
        }
    }

    /** Names the listed entries the stream never carried (a second pass over the listing; only on failure). */
    private void reportMissing(Snapshot snap, String root, ListingIndex index, Problems problems) {
        String under = root.endsWith("/") ? root : root + "/";
        restic.ls(snap.id(), List.of(root), n -> {
            if (n.path().startsWith(under) && !index.seen(n.path())) {
                problems.add(n.path() + ": in the snapshot's listing but missing from the restored data");
            }
        });
    }

    private void drillStream(SourceConfig s, Snapshot snap, Problems problems, long[] fb) {
        Map<String, Path> live = liveRoots(s, snap);
        for (String root : snap.paths()) {
            cancellation.check();
            // the listing and the dump start together: restic's start-up (opening the repository,
            // loading its index) overlaps; the tar reader reads ahead of the listing, a bounded way
            java.util.concurrent.CompletableFuture<ListingIndex> listing = new java.util.concurrent.CompletableFuture<>();
            Thread lister = new Thread(() -> {
                try {
                    listing.complete(index(snap, root));
                } catch (RuntimeException e) {
                    listing.completeExceptionally(e);
                }
            }, "drill-ls");
            lister.setDaemon(true);
            lister.start();
            TarVerifier[] v = new TarVerifier[1];
            ProcessResult r;
            try (LiveComparison cmp = new LiveComparison(problems)) {
                r = restic.dump(snap.id(), root, in -> {
                    // entries are read ahead of the listing (bounded); a failed listing is reported below
                    v[0] = new TarVerifier(listing, root, live.get(root), problems, cmp);
                    v[0].sqlite = SqliteSpool.create(config.stateDir(), runner, log); // issue 16
                    v[0].read(in);
                }, progress);
            }
            ListingIndex index;
            try {
                index = listing.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
            if (r.cancelled()) {
                throw new CancelledException();
            }
            if (!r.ok()) {
                problems.add(restic.failure("restic dump of " + root, r).getMessage());
            }
            tally(snap, root, index, v[0], problems, fb);
        }
    }

    /** Thrown from the listing when restic's {@code latest} is not the snapshot a drill means: stops restic there. */
    private static final class NotTheLatestRegular extends CfsException {
        NotTheLatestRegular() {
            super(org.cfs.backup.ExitCode.FAILED, "restic's latest is not the source's latest regular snapshot");
        }
    }

    /**
     * The streaming drill without a separate {@code restic snapshots} call (one restic start-up less,
     * and the listing and the dump start at once): {@code restic ls} and {@code restic dump} both
     * resolve {@code latest} themselves under the same filters (host, source tag, path). The listing
     * names the snapshot it chose before any entry; when that is not the source's latest regular
     * snapshot (a {@code pre-restore} or {@code cfs-pass1} one, another path), both are stopped at
     * once and null is returned: the caller then resolves the snapshot the ordinary way. Both
     * resolve while this command holds the operation lock, so no backup of this host can add a
     * snapshot between the two; restic's own lock keeps forget and prune out.
     *
     * @return the snapshot drilled, or null when nothing was checked (and nothing reported)
     */
    private Snapshot streamLatest(SourceConfig s, Problems problems, long[] fb) {
        String root = SnapshotSelector.expectedPath(s, docker);
        if (root == null) {
            return null;
        }
        String under = root.endsWith("/") ? root : root + "/";
        java.util.concurrent.CompletableFuture<Snapshot> chosen = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<ListingIndex> listing = new java.util.concurrent.CompletableFuture<>();
        Thread lister = new Thread(() -> {
            ListingIndex index = new ListingIndex();
            try {
                restic.lsLatest(host, s.name(), root, snap -> {
                    boolean ours = SnapshotSelector.isLatestRegular(snap, s, host, root);
                    chosen.complete(ours ? snap : null);
                    if (!ours) {
                        throw new NotTheLatestRegular();
                    }
                }, n -> {
                    if (n.path().startsWith(under)) {
                        index.put(n.path(), ListingIndex.type(n.type()), n.size(), n.mtimeNanos());
                    }
                });
                chosen.complete(null); // no snapshot line at all: leave it to the ordinary way
                listing.complete(index);
            } catch (RuntimeException e) {
                chosen.complete(null);
                listing.completeExceptionally(e);
            } finally {
                // whatever happened (an Error too), the dump's reader must not wait forever
                chosen.complete(null);
                listing.completeExceptionally(new CfsException(org.cfs.backup.ExitCode.FAILED, "restic ls ended early"));
            }
        }, "drill-ls");
        lister.setDaemon(true);
        lister.start();
        Path liveRoot = s.kind() == SourceConfig.Kind.VOLUME || Files.isDirectory(Path.of(root)) ? Path.of(root) : null;
        java.util.concurrent.atomic.AtomicBoolean abandoned = new java.util.concurrent.atomic.AtomicBoolean();
        TarVerifier[] v = new TarVerifier[1];
        ProcessResult r = null;
        CfsException dumpError = null;
        try (LiveComparison cmp = new LiveComparison(problems)) {
            r = restic.dumpLatest(host, s.name(), root, in -> {
                // entries are read ahead of the listing, before it names its snapshot too (bounded):
                // restic dump need not wait for restic ls; a failed listing is reported below
                v[0] = new TarVerifier(listing, root, liveRoot, problems, cmp);
                v[0].sqlite = SqliteSpool.create(config.stateDir(), runner, log); // issue 16
                v[0].read(in);
                if (v[0].listingFailed) {
                    // not the snapshot meant, or no listing: closing our end stops restic dump at its
                    // next write (EPIPE) instead of reading it all
                    abandoned.set(chosen.join() == null);
                    in.close();
                }
            }, progress);
        } catch (CancelledException e) {
            throw e;
        } catch (CfsException e) {
            dumpError = abandoned.get() ? null : e;
        }
        Snapshot snap = chosen.join();
        if (cancellation.isCancelled() || (r != null && r.cancelled())) {
            throw new CancelledException();
        }
        if (snap == null) {
            return null;
        }
        ListingIndex index;
        try {
            index = listing.join();
        } catch (java.util.concurrent.CompletionException e) {
            problems.add(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            return snap;
        }
        if (dumpError != null) {
            problems.add(dumpError.getMessage());
        } else if (!r.ok()) {
            problems.add(restic.failure("restic dump of " + root, r).getMessage());
        }
        tally(snap, root, index, v[0], problems, fb);
        return snap;
    }

    private void drillFull(SourceConfig s, Snapshot snap, Problems problems, long[] fb, Double[] rto) {
        Map<String, Path> live = liveRoots(s, snap);
        List<ListingIndex> indexes = new ArrayList<>();
        long need = 0;
        for (String root : snap.paths()) {
            ListingIndex ix = index(snap, root);
            indexes.add(ix);
            need += ix.fileBytes();
        }
        Path scratchParent = config.stateDir();
        Path scratch = scratchParent.resolve("drill-scratch-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(scratchParent);
            long free = Files.getFileStore(scratchParent).getUsableSpace();
            if (free < need + FULL_DRILL_MARGIN) {
                problems.add("not enough free space for a full drill in " + scratchParent + ": the snapshot needs "
                        + Size.human(need) + " plus " + Size.human(FULL_DRILL_MARGIN) + ", " + Size.human(free) + " free");
                return;
            }
            long t0 = System.nanoTime();
            ProcessResult r;
            try {
                r = restic.restore(snap.id(), scratch.toString(), List.of(), true, progress);
            } catch (CfsException e) {
                problems.add("restic restore --verify failed: " + e.getMessage());
                return;
            }
            double secs = Math.max(0.001, (System.nanoTime() - t0) / 1e9);
            if (r.stdout().contains("There were") && r.stdout().contains("errors")) {
                problems.add("restic restore --verify reported errors");
            }
            for (int i = 0; i < snap.paths().size(); i++) {
                String root = snap.paths().get(i);
                verifyTree(scratch, root, indexes.get(i), live.get(root), problems, fb);
                if (indexes.get(i).unseenCount() > 0) {
                    reportMissing(snap, root, indexes.get(i), problems);
                }
            }
            rto[0] = Math.round(secs * 1000) / 1000.0;
            rto[1] = Math.round(need / 1048576.0 / secs * 10) / 10.0;
        } catch (IOException e) {
            problems.add("full drill in " + scratch + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            try {
                Trees.delete(scratch);
            } catch (IOException e) {
                log.accept(s.name() + ": could not remove the drill scratch folder " + scratch + ": " + e.getMessage());
            }
        }
    }

    /** Walks the restored tree: every entry listed with its type and size; files compared with the live ones. */
    private void verifyTree(Path scratch, String root, ListingIndex index, Path liveRoot, Problems problems, long[] fb)
            throws IOException {
        Path restoredRoot = scratch.resolve(root.substring(1));
        if (!Files.isDirectory(restoredRoot)) {
            problems.add(root + ": not restored");
            return;
        }
        // one read buffer for every restored file (a million files must not mean a million buffers)
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(1 << 20);
        try (LiveComparison cmp = new LiveComparison(problems)) {
            Files.walkFileTree(restoredRoot, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(restoredRoot)) {
                        check(dir, attrs);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    check(file, attrs);
                    return FileVisitResult.CONTINUE;
                }

                private void check(Path p, BasicFileAttributes attrs) {
                    String rel = restoredRoot.relativize(p).toString();
                    String snapPath = (root.endsWith("/") ? root : root + "/") + rel;
                    int slot = index.find(snapPath);
                    if (slot < 0) {
                        problems.add(snapPath + ": restored but not in the snapshot's listing");
                        return;
                    }
                    index.markSeen(slot);
                    if (attrs.isRegularFile()) {
                        if (attrs.size() != index.sizeAt(slot)) {
                            problems.add(snapPath + ": restored with " + attrs.size() + " bytes, listed with " + index.sizeAt(slot));
                            return;
                        }
                        fb[0]++;
                        fb[1] += attrs.size();
                        if (liveRoot != null) {
                            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p)) {
                                cmp.submit(liveRoot.resolve(rel), snapPath, attrs.size(), index.mtimeAt(slot),
                                        Fingerprint.of(ch, buf));
                            } catch (IOException e) {
                                problems.add(snapPath + ": cannot read the restored file: " + e.getMessage());
                            }
                        }
                    }
                }
            });
        }
    }


    // ---- dumps ----

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

    private void drillDump(SourceConfig s, Snapshot snap, Problems problems, long[] fb) {
        if (snap.paths() == null || snap.paths().size() != 1) {
            problems.add("snapshot " + snap.shortIdOrPrefix() + " is not a single dump file: " + snap.paths());
            return;
        }
        String path = snap.paths().get(0);
        long[] listed = {-1};
        restic.ls(snap.id(), List.of(path), n -> {
            if (n.path().equals(path)) {
                listed[0] = n.size();
            }
        });
        AtomicReference<ProcessResult> drillCmd = new AtomicReference<>();
        AtomicReference<TailCounter> counter = new AtomicReference<>();
        ProcessResult r = restic.dump(snap.id(), path, in -> {
            TailCounter tc = new TailCounter(in);
            counter.set(tc);
            if (s.drillCommand() != null) {
                drillCmd.set(runner.run(ProcessSpec.of(s.drillCommand()).stdin(tc)
                        .env("CFS_BACKUP_SOURCE", s.name()).build()));
            } else {
                tc.transferTo(OutputStream.nullOutputStream());
            }
        }, progress);
        if (r.cancelled()) {
            throw new CancelledException();
        }
        if (!r.ok()) {
            problems.add(restic.failure("restic dump of " + path, r).getMessage());
        }
        TailCounter tc = counter.get();
        long bytes = tc == null ? 0 : tc.count;
        if (bytes == 0) {
            problems.add(path + ": the dump is empty");
        } else if (listed[0] >= 0 && bytes != listed[0]) {
            problems.add(path + ": " + bytes + " bytes read, " + listed[0] + " listed");
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
            fb[0] = 1;
            fb[1] = bytes;
        }
    }

    static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
    }
}
