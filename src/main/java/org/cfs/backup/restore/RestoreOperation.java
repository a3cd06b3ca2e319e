package org.cfs.backup.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import org.cfs.backup.config.Consistency;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.process.ProcessSpec;
import org.cfs.backup.restic.BackupRequest;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticProgress;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.QuiesceJournal;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;

/**
 * Puts a source back: into an empty folder (the source's tree at its root), in place (a
 * {@code pre-restore} safety snapshot first, containers stopped under the quiesce journal, a
 * staged tree swapped in crash-safely), or a dump into a file or a command.
 */
public final class RestoreOperation {
    static final int DRY_RUN_LIST_MAX = 1000;

    private final Config config;
    private final Restic restic;
    private final Docker docker;
    private final QuiesceJournal journal;
    private final Cancellation cancellation;
    private final RunHistory history;
    private final AuditLog auditLog;
    private final Consumer<String> log;
    private final TreeSwap swap;
    /** Runs the programs that are not restic (a restore-command or --pipe-to). */
    private final ProcessRunner runner;
    /** Told the bytes of each restic restore or dump (issue 14 progress); null when nobody watches. */
    private ResticProgress.Listener progress;

    public RestoreOperation(Config config, Restic restic, Docker docker, QuiesceJournal journal, Cancellation cancellation,
                            RunHistory history, AuditLog auditLog, Consumer<String> log, ProcessRunner runner) {
        this.runner = runner;
        this.config = config;
        this.restic = restic;
        this.docker = docker;
        this.journal = journal;
        this.cancellation = cancellation;
        this.history = history;
        this.auditLog = auditLog;
        this.log = log;
        this.swap = new TreeSwap(config.stateDir(), log);
    }

    /** Tells the listener the progress of each restic call (issue 14: a terminal shows it); null for none. */
    public RestoreOperation progress(ResticProgress.Listener listener) {
        this.progress = listener;
        return this;
    }

    /** Checks the request before anything is read or written (exit 2 on a bad request). */
    public SourceConfig validate(RestoreRequest req) {
        SourceConfig s = config.source(req.source()).orElseThrow(() -> CfsException.usage("unknown source '"
                + req.source() + "' (configured: " + String.join(", ", config.sources().stream().map(SourceConfig::name).toList()) + ")"));
        if (req.target() != null) {
            new TargetGuard(config).check(req.target());
            TargetGuard.requireAbsentOrEmpty(req.target().toAbsolutePath().normalize());
        }
        if (s.kind() == SourceConfig.Kind.COMMAND) {
            if (req.target() == null && req.pipeTo() == null && s.restoreCommand() == null) {
                throw CfsException.usage("source '" + s.name() + "' is a dump: give --target DIR (writes the dump file) or --pipe-to \"CMD ARGS\""
                        + ", or set its restore-command (e.g. [docker, exec, -i, mariadb, mariadb]) to load it in place");
            }
            if (req.target() != null && req.pipeTo() != null) {
                throw CfsException.usage("give either --target or --pipe-to, not both");
            }
            if (!req.includes().isEmpty()) {
                throw CfsException.usage("--include does not apply to a dump source");
            }
        } else {
            if (req.pipeTo() != null) {
                throw CfsException.usage("--pipe-to applies to dump (command) sources only");
            }
            if (req.target() == null && !req.includes().isEmpty()) {
                throw CfsException.usage("--include needs --target: an in-place restore replaces the whole source "
                        + "(restore the paths into a folder and copy them over instead)");
            }
            for (String i : req.includes()) {
                if (i.contains("..")) {
                    throw CfsException.usage("--include " + i + ": must be a path inside the source, without '..'");
                }
            }
        }
        return s;
    }

    /** Whose snapshots the request reads: {@code --host}, else the config's host (pre-restore snapshots are always the config's). */
    String snapshotHost(RestoreRequest req) {
        return req.host() != null ? req.host() : config.host();
    }

    /** True when this request replaces live data (so the operator must confirm). */
    public static boolean inPlace(SourceConfig s, RestoreRequest req) {
        // a dump loaded with its restore-command replaces the database's live data too
        return req.target() == null && (s.kind() != SourceConfig.Kind.COMMAND || req.pipeTo() == null);
    }

    public RestoreReport run(RestoreRequest req) {
        SourceConfig s = validate(req);
        Instant start = Instant.now();
        String snapshotId = null;
        try {
            swap.recover();
            String latestRoot = req.target() != null && s.kind() != SourceConfig.Kind.COMMAND && !req.dryRun()
                    && req.includes().isEmpty() && (req.snapshot() == null || req.snapshot().equals("latest"))
                    ? SnapshotSelector.expectedPath(s, docker) : null;
            java.util.concurrent.CompletableFuture<Snapshot> resolving = null;
            Snapshot snap;
            if (latestRoot != null) {
                // restic restore resolves latest itself at once; the snapshot list, read beside it, checks its choice
                resolving = java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> new SnapshotSelector(restic, snapshotHost(req)).resolve(s, null), task -> {
                            Thread t = new Thread(task, "restore-snapshots");
                            t.setDaemon(true);
                            t.start();
                        });
                snap = null;
            } else {
                snap = new SnapshotSelector(restic, snapshotHost(req)).resolve(s, req.snapshot());
                snapshotId = snap.shortIdOrPrefix();
            }
            RestoreReport r;
            if (resolving != null) {
                Snapshot[] chosen = new Snapshot[1];
                try {
                    r = toTargetLatest(s, req, latestRoot, resolving, chosen);
                } finally {
                    snapshotId = chosen[0] == null ? null : chosen[0].shortIdOrPrefix();
                }
            } else if (s.kind() == SourceConfig.Kind.COMMAND) {
                r = req.target() == null ? pipe(s, snap, req) : dumpToTarget(s, snap, req);
            } else if (req.target() != null) {
                r = toTarget(s, snap, req);
            } else {
                r = inPlace(s, snap, req);
            }
            if (!req.dryRun()) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("duration_s", r.durationS());
                f.put("files_restored", r.filesRestored());
                f.put("bytes_restored", r.bytesRestored());
                f.put("downtime_s", r.downtimeS());
                history.append(new RunRecord("restore", s.name(), start, Instant.now(), "ok", snapshotId, f, null));
            }
            auditLog.record(req.dryRun() ? "restore-dry-run" : "restore", "ok", "source=" + s.name() + " snapshot="
                    + snapshotId + " mode=" + r.mode() + (r.target() == null ? "" : " target=" + r.target())
                    + (r.preRestoreSnapshotId() == null ? "" : " pre_restore=" + r.preRestoreSnapshotId())
                    + String.format(Locale.ROOT, " files=%d bytes=%d duration_s=%.1f", r.filesRestored(),
                    r.bytesRestored(), r.durationS()));
            return r;
        } catch (RuntimeException e) {
            String outcome = cancellation.isCancelled() ? "interrupted" : "failed";
            if (!req.dryRun()) {
                history.append(new RunRecord("restore", s.name(), start, Instant.now(), outcome, snapshotId, Map.of(),
                        e.getMessage()));
            }
            auditLog.record(req.dryRun() ? "restore-dry-run" : "restore", outcome, "source=" + s.name()
                    + (snapshotId == null ? "" : " snapshot=" + snapshotId) + " error=\"" + e.getMessage() + "\"");
            throw e;
        }
    }

    // ---- into a folder ----

    private RestoreReport toTarget(SourceConfig s, Snapshot snap, RestoreRequest req) {
        long t0 = System.nanoTime();
        Path target = req.target().toAbsolutePath().normalize();
        List<String> paths = snap.paths();
        List<String> includes = new ArrayList<>();
        for (String i : req.includes()) {
            includes.add(snapshotPathOf(paths, i));
        }
        if (req.dryRun()) {
            long[] fb = new long[2];
            for (String p : paths) {
                String root = p.endsWith("/") ? p : p + "/";
                restic.ls(snap.id(), List.of(p), n -> {
                    if (n.isFile() && n.path().startsWith(root) && included(n.path(), includes)) {
                        fb[0]++;
                        fb[1] += n.size();
                    }
                });
            }
            return new RestoreReport(s.name(), snap.shortIdOrPrefix(), "target", target.toString(), true, fb[0], fb[1],
                    seconds(t0), null, List.of(), 0, null, null, null, 0, 0, 0);
        }
        boolean created = !Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        Path staging = target.resolve(".cfs-restore-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(staging);
            restic.restore(snap.id(), staging.toString(), includes, false, progress);
            return placeStaged(s, snap, target, staging, t0);
        } catch (IOException e) {
            cleanUpTarget(target, staging, created);
            throw CfsException.failed("restoring into " + target + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            cleanUpTarget(target, staging, created);
            throw e;
        }
    }

    /**
     * {@code restore --target} of {@code latest} without waiting for the snapshot list first: restic
     * restores its own {@code latest} under the source's filters (host, source tag, path) into the
     * staging folder while the list is read beside it; restic names the snapshot it restored, and
     * when that is not the one {@code latest} means here (a {@code pre-restore} safety snapshot is
     * newer), the staging folder is emptied and the right snapshot restored the ordinary way.
     */
    private RestoreReport toTargetLatest(SourceConfig s, RestoreRequest req, String root,
                                         java.util.concurrent.CompletableFuture<Snapshot> resolving, Snapshot[] chosen) {
        long t0 = System.nanoTime();
        Path target = req.target().toAbsolutePath().normalize();
        boolean created = !Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        Path staging = target.resolve(".cfs-restore-" + ProcessHandle.current().pid());
        try {
            String restored;
            try {
                Files.createDirectories(staging);
                restored = restic.restoreLatest(snapshotHost(req), s.name(), root, staging.toString(), progress);
            } catch (CfsException e) {
                restored = null; // restic found nothing under these filters (or failed): decided below
            }
            Snapshot snap;
            try {
                snap = resolving.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
            chosen[0] = snap;
            cancellation.check();
            if (restored == null || !snap.id().startsWith(restored)) {
                FileTrees.deleteTree(staging);
                Files.createDirectories(staging);
                restic.restore(snap.id(), staging.toString(), List.of(), false, progress);
            }
            return placeStaged(s, snap, target, staging, t0);
        } catch (IOException e) {
            cleanUpTarget(target, staging, created);
            throw CfsException.failed("restoring into " + target + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            cleanUpTarget(target, staging, created);
            throw e;
        }
    }

    /** Moves the tree restic restored into the staging folder to the target's root and removes the staging folder. */
    private RestoreReport placeStaged(SourceConfig s, Snapshot snap, Path target, Path staging, long t0)
            throws IOException {
        List<String> paths = snap.paths();
        FileTrees.Meta rootMeta = null;
        cancellation.check();
        if (paths.size() == 1) {
            Path staged = staging.resolve(relative(paths.get(0)));
            if (Files.isDirectory(staged, LinkOption.NOFOLLOW_LINKS)) {
                rootMeta = FileTrees.readMeta(staged);
                FileTrees.moveChildren(staged, target);
            }
        } else {
            for (String p : paths) {
                Path staged = staging.resolve(relative(p));
                if (Files.exists(staged, LinkOption.NOFOLLOW_LINKS)) {
                    Path dest = target.resolve(relative(p));
                    Files.createDirectories(dest.getParent());
                    Files.move(staged, dest, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
        FileTrees.deleteTree(staging);
        if (rootMeta != null) {
            // last: the moves and the clean-up touched the target's own mtime
            FileTrees.applyMeta(rootMeta, target);
        }
        long[] fb = FileTrees.countFiles(target);
        return new RestoreReport(s.name(), snap.shortIdOrPrefix(), "target", target.toString(), false, fb[0], fb[1],
                seconds(t0), null, List.of(), 0, null, null, null, 0, 0, 0);
    }

    private void cleanUpTarget(Path target, Path staging, boolean created) {
        try {
            FileTrees.deleteTree(staging);
            if (created) {
                FileTrees.deleteTree(target);
            }
        } catch (IOException e) {
            log.accept("could not remove the partial restore in " + staging + ": " + e.getMessage());
        }
    }

    /** Maps a path relative to the source's root to the absolute path inside the snapshot. */
    static String snapshotPathOf(List<String> snapshotPaths, String rel) {
        String r = rel.startsWith("/") ? rel.substring(1) : rel;
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        if (snapshotPaths.size() == 1) {
            String root = snapshotPaths.get(0);
            return r.isEmpty() ? root : (root.endsWith("/") ? root : root + "/") + r;
        }
        // several paths land below the target as their relative paths (opt/cfs-infra, usr/local/bin)
        return "/" + r;
    }

    private static boolean included(String path, List<String> includes) {
        if (includes.isEmpty()) {
            return true;
        }
        for (String i : includes) {
            if (path.equals(i) || path.startsWith(i + "/")) {
                return true;
            }
        }
        return false;
    }

    static String relative(String abs) {
        String r = abs;
        while (r.startsWith("/")) {
            r = r.substring(1);
        }
        return r;
    }

    // ---- in place ----

    /** Pairs of (path in the snapshot, live folder) of an in-place restore. */
    record Mapping(String snapshotPath, Path live) {
    }

    List<Mapping> mappings(SourceConfig s, Snapshot snap) {
        List<Mapping> out = new ArrayList<>();
        if (s.kind() == SourceConfig.Kind.VOLUME) {
            Docker.Volume v = docker.volume(s.volume());
            if (snap.paths().size() != 1) {
                throw CfsException.failed("snapshot " + snap.shortIdOrPrefix() + " holds " + snap.paths()
                        + ", not one volume folder");
            }
            // the volume may have been re-created since: its current mountpoint gets the snapshot's tree
            out.add(new Mapping(snap.paths().get(0), Path.of(v.mountpoint())));
            return out;
        }
        for (String p : snap.paths()) {
            if (!s.allPaths().contains(p)) {
                throw CfsException.failed("snapshot " + snap.shortIdOrPrefix() + " holds " + p + ", which source '"
                        + s.name() + "' no longer backs up (paths: " + s.allPaths() + "); restore it with --target");
            }
            out.add(new Mapping(p, Path.of(p)));
        }
        return out;
    }

    private RestoreReport inPlace(SourceConfig s, Snapshot snap, RestoreRequest req) {
        long t0 = System.nanoTime();
        List<Mapping> maps = mappings(s, snap);
        if (req.dryRun()) {
            TreeDiff diff = new TreeDiff(DRY_RUN_LIST_MAX, new ExcludeMatcher(s.excludes()));
            for (Mapping m : maps) {
                try {
                    diff.compare(restic, snap.id(), m.snapshotPath(), m.live(),
                            maps.size() == 1 ? "" : relative(m.snapshotPath()) + "/");
                } catch (IOException e) {
                    throw CfsException.failed("cannot read " + m.live() + ": " + e.getMessage());
                }
            }
            diff.sort();
            return new RestoreReport(s.name(), snap.shortIdOrPrefix(), "in-place", livePaths(maps), true, 0, 0,
                    seconds(t0), null, List.of(), 0, diff.added, diff.changed, diff.removed,
                    diff.addedCount, diff.changedCount, diff.removedCount);
        }
        List<Path> made = new ArrayList<>();
        for (Mapping m : maps) {
            swap.removeStaleStaging(m.live());
            try {
                if (s.kind() == SourceConfig.Kind.PATHS) {
                    for (Path p = m.live(); p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
                        made.add(p);
                    }
                }
                Files.createDirectories(m.live());
            } catch (IOException e) {
                throw CfsException.failed("cannot create " + m.live() + ": " + e.getMessage());
            }
        }
        if (!made.isEmpty()) {
            log.accept("made missing folders " + made + " (owners and modes from the snapshot)");
        }
        List<Docker.Container> toQuiesce = s.kind() != SourceConfig.Kind.VOLUME ? List.of()
                : docker.containersUsing(s.volume()).stream().filter(Docker.Container::running).toList();
        boolean pause = s.consistencyOrLive() == Consistency.PAUSE;
        List<String> ids = toQuiesce.stream().map(Docker.Container::id).toList();
        String preRestoreId;
        long down0 = System.nanoTime();
        double downtime = 0;
        if (!toQuiesce.isEmpty()) {
            journal.record(toQuiesce, pause ? "pause" : "stop", s.volume(), "restore");
        }
        try {
            if (!ids.isEmpty()) {
                log.accept((pause ? "pausing " : "stopping ") + String.join(", ",
                        toQuiesce.stream().map(Docker.Container::name).toList()));
                if (pause) {
                    docker.pause(ids);
                } else {
                    docker.stop(ids);
                }
            }
            // the way back: the live state as it is now, quiesced, and whole: the source's excludes do
            // not apply (what they match is left as it is, but the way back must not depend on that)
            List<String> livePaths = maps.stream().map(m -> m.live().toString()).toList();
            List<String> excludes = new ArrayList<>();
            for (String lp : livePaths) {
                // work folders inside a mount-point folder are no part of its state
                excludes.add(lp + "/" + TreeSwap.NEW);
                excludes.add(lp + "/" + TreeSwap.OLD);
            }
            Restic.BackupOutcome pre = restic.backup(new BackupRequest(config.host(),
                    List.of(s.name(), SnapshotSelector.PRE_RESTORE_TAG), livePaths, excludes, null, null, false),
                    st -> { }, null);
            preRestoreId = pre.summary().snapshotId();
            log.accept("saved the current state as snapshot " + preRestoreId + " (tagged "
                    + SnapshotSelector.PRE_RESTORE_TAG + ")");
            for (Mapping m : maps) {
                cancellation.check();
                Path staging = TreeSwap.workDirs(m.live()).staging();
                // a folder made just now takes its owner and mode from the snapshot, which restic gives
                // the parents of what it restores only when they are selected: one path, no include
                boolean whole = !made.isEmpty() && maps.size() == 1 && snap.paths().size() == 1;
                restic.restore(snap.id(), staging.toString(), whole ? List.of() : List.of(m.snapshotPath()), false,
                        progress);
                List<FileTrees.Meta> madeMetas = new ArrayList<>();
                List<Path> madeHere = new ArrayList<>();
                for (Path p : made) {
                    Path stagedP = staging.resolve(relative(p.toString()));
                    if (!p.equals(m.live()) && m.live().startsWith(p) && Files.isDirectory(stagedP, LinkOption.NOFOLLOW_LINKS)) {
                        try {
                            madeMetas.add(FileTrees.readMeta(stagedP));
                            madeHere.add(p);
                        } catch (IOException e) {
                            log.accept("cannot read the saved owner of " + p + ": " + e.getMessage());
                        }
                    }
                }
                cancellation.check();
                Path staged = staging.resolve(relative(m.snapshotPath()));
                if (!Files.isDirectory(staged, LinkOption.NOFOLLOW_LINKS)) {
                    throw CfsException.failed("restic restored nothing for " + m.snapshotPath());
                }
                swap.swap(m.live(), staged, new ExcludeMatcher(s.excludes()));
                for (int i = 0; i < madeHere.size(); i++) {
                    // deepest first (made lists the live folder, then its parents upwards): a folder's mtime last
                    try {
                        FileTrees.applyMeta(madeMetas.get(i), madeHere.get(i));
                    } catch (IOException e) {
                        log.accept("cannot give " + madeHere.get(i) + " its saved owner and mode: " + e.getMessage());
                    }
                }
            }
        } catch (RuntimeException e) {
            for (Mapping m : maps) {
                try {
                    swap.removeStaleStaging(m.live());
                } catch (CfsException ce) {
                    log.accept(ce.getMessage());
                }
            }
            for (Path p : made) {
                try {
                    Files.deleteIfExists(p); // folders this restore made, when still empty: nothing half-made stays
                } catch (IOException ignored) {
                    // not empty (a roll-back put something back) or gone: left as it is
                }
            }
            throw e;
        } finally {
            boolean mixed = !ids.isEmpty() && maps.stream().anyMatch(m -> swap.unfinished(m.live()));
            if (mixed) {
                // a swap whose roll-back failed: never start the containers on a mixed volume; the
                // journal keeps them stopped and the next command repairs the swap first (issue 11)
                log.accept("containers " + String.join(", ", toQuiesce.stream().map(Docker.Container::name).toList())
                        + " stay stopped: the swap of the restored tree is unfinished");
            } else if (!ids.isEmpty()) {
                try {
                    if (pause) {
                        docker.unpause(ids);
                    } else {
                        docker.start(ids);
                    }
                    journal.clear(ids);
                    log.accept((pause ? "unpaused " : "started ") + String.join(", ",
                            toQuiesce.stream().map(Docker.Container::name).toList()));
                } catch (CfsException e) {
                    // the journal keeps the entries: the next cfs-backup command retries
                    log.accept("could not resume containers: " + e.getMessage());
                }
                downtime = seconds(down0);
            }
        }
        long files = 0;
        long bytes = 0;
        for (Mapping m : maps) {
            try {
                long[] fb = FileTrees.countFiles(m.live());
                files += fb[0];
                bytes += fb[1];
            } catch (IOException e) {
                log.accept("cannot count restored files in " + m.live() + ": " + e.getMessage());
            }
        }
        return new RestoreReport(s.name(), snap.shortIdOrPrefix(), "in-place", livePaths(maps), false, files, bytes,
                seconds(t0), preRestoreId, toQuiesce.stream().map(Docker.Container::name).toList(), downtime,
                null, null, null, 0, 0, 0);
    }

    private static String livePaths(List<Mapping> maps) {
        return String.join(",", maps.stream().map(m -> m.live().toString()).toList());
    }

    // ---- dumps ----

    static String dumpPath(Snapshot snap) {
        if (snap.paths() == null || snap.paths().size() != 1) {
            throw CfsException.failed("snapshot " + snap.shortIdOrPrefix() + " is not a single dump file: " + snap.paths());
        }
        return snap.paths().get(0);
    }

    private RestoreReport dumpToTarget(SourceConfig s, Snapshot snap, RestoreRequest req) {
        long t0 = System.nanoTime();
        Path target = req.target().toAbsolutePath().normalize();
        String path = dumpPath(snap);
        Path file = target.resolve(relative(path));
        if (req.dryRun()) {
            long[] size = new long[1];
            restic.ls(snap.id(), List.of(path), n -> {
                if (n.isFile() && n.path().equals(path)) {
                    size[0] = n.size();
                }
            });
            return new RestoreReport(s.name(), snap.shortIdOrPrefix(), "target", file.toString(), true, 1, size[0],
                    seconds(t0), null, List.of(), 0, null, null, null, 0, 0, 0);
        }
        boolean created = !Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
        long[] bytes = new long[1];
        try {
            Files.createDirectories(file.getParent());
            // 0600 from the first byte: an all-databases dump holds password hashes
            Files.deleteIfExists(partial);
            Files.createFile(partial, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            ProcessResult r = restic.dump(snap.id(), path, in -> {
                try (OutputStream out = Files.newOutputStream(partial)) {
                    bytes[0] = in.transferTo(out);
                }
            }, progress);
            if (!r.ok()) {
                throw restic.failure("restic dump", r);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            cleanUpTarget(target, partial, created);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw CfsException.failed("writing " + file + " failed: " + e.getMessage());
        }
        return new RestoreReport(s.name(), snap.shortIdOrPrefix(), "target", file.toString(), false, 1, bytes[0],
                seconds(t0), null, List.of(), 0, null, null, null, 0, 0, 0);
    }

    private RestoreReport pipe(SourceConfig s, Snapshot snap, RestoreRequest req) {
        long t0 = System.nanoTime();
        List<String> cmd = req.pipeTo() != null ? CommandLineSplitter.split(req.pipeTo()) : s.restoreCommand();
        String what = req.pipeTo() != null ? "--pipe-to command " : "restore-command ";
        String path = dumpPath(snap);
        if (req.dryRun()) {
            return new RestoreReport(s.name(), snap.shortIdOrPrefix(), "pipe", String.join(" ", cmd), true, 0, 0,
                    seconds(t0), null, List.of(), 0, null, null, null, 0, 0, 0);
        }
        AtomicReference<ProcessResult> child = new AtomicReference<>();
        long[] bytes = new long[1];
        ProcessResult dump = restic.dump(snap.id(), path, in -> {
            InputStream counting = new java.io.FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        bytes[0]++;
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = super.read(buf, off, len);
                    if (n > 0) {
                        bytes[0] += n;
                    }
                    return n;
                }
            };
            child.set(runner.run(ProcessSpec.of(cmd).stdin(counting).build()));
        }, progress);
        ProcessResult c = child.get();
        if (c == null) {
            throw CfsException.failed(what + cmd.get(0) + " did not run");
        }
        if (!c.ok()) {
            String tail = c.stderrTail().strip();
            int nl = tail.lastIndexOf('\n');
            throw CfsException.failed(what + cmd.get(0) + " exited " + c.exitCode()
                    + (tail.isEmpty() ? "" : ": " + (nl >= 0 ? tail.substring(nl + 1) : tail)));
        }
        if (!dump.ok()) {
            throw restic.failure("restic dump", dump);
        }
        return new RestoreReport(s.name(), snap.shortIdOrPrefix(), "pipe", String.join(" ", cmd), false, 1, bytes[0],
                seconds(t0), null, List.of(), 0, null, null, null, 0, 0, 0);
    }

    static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
    }
}
