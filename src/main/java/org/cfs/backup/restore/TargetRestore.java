package org.cfs.backup.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

import org.cfs.backup.CfsException;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.restic.Snapshot;

import static org.cfs.backup.restore.RestoreContext.relative;
import static org.cfs.backup.restore.RestoreContext.seconds;

/** {@code restore --target DIR} of a folder or volume source: the source's tree at the folder's root. */
final class TargetRestore {
    private final RestoreContext ctx;

    TargetRestore(RestoreContext ctx) {
        this.ctx = ctx;
    }

    RestoreReport restore(SourceConfig s, Snapshot snap, RestoreRequest req) {
        long t0 = System.nanoTime();
        Path target = req.target().toAbsolutePath().normalize();
        List<String> paths = snap.paths();
        List<String> includes = new ArrayList<>();
        for (String i : req.includes()) {
            includes.add(snapshotPathOf(paths, i));
        }
        if (req.dryRun()) {
            AtomicLong files = new AtomicLong();
            AtomicLong bytes = new AtomicLong();
            for (String p : paths) {
                String root = p.endsWith("/") ? p : p + "/";
                ctx.restic().ls(snap.id(), List.of(p), n -> {
                    if (n.isFile() && n.path().startsWith(root) && included(n.path(), includes)) {
                        files.incrementAndGet();
                        bytes.addAndGet(n.size());
                    }
                });
            }
            return RestoreReport.intoTarget(s.name(), snap.shortIdOrPrefix(), target.toString(), true, files.get(),
                    bytes.get(), seconds(t0));
        }
        return staged(target, staging -> {
            Files.createDirectories(staging);
            ctx.restic().restore(snap.id(), staging.toString(), includes, false, ctx.progress());
            return placeStaged(s, snap, target, staging, t0);
        });
    }

    /** What a restore does with its staging folder: restic restores into it, then it is placed. */
    @FunctionalInterface
    private interface StagedRestore {
        RestoreReport into(Path staging) throws IOException;
    }

    /**
     * Runs {@code restore} with a staging folder inside {@code target}; when it fails the staging
     * folder is removed, and the target too when this restore made it.
     */
    private RestoreReport staged(Path target, StagedRestore restore) {
        boolean created = !Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        Path staging = target.resolve(".cfs-restore-" + ProcessHandle.current().pid());
        try {
            return restore.into(staging);
        } catch (IOException e) {
            ctx.cleanUpTarget(target, staging, created);
            throw CfsException.failed("restoring into " + target + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            ctx.cleanUpTarget(target, staging, created);
            throw e;
        }
    }

    /** Starts a {@code restore --target} of {@code latest} (see {@link Latest}); the snapshot list is read from now on. */
    Latest latest(SourceConfig s, RestoreRequest req, String root, String host) {
        return new Latest(s, req, root, host);
    }

    /**
     * {@code restore --target} of {@code latest} without waiting for the snapshot list first: restic
     * restores its own {@code latest} under the source's filters (host, source tag, path) into the
     * staging folder while the list is read beside it; restic names the snapshot it restored, and
     * when that is not the one {@code latest} means here (a {@code pre-restore} safety snapshot is
     * newer), the staging folder is emptied and the right snapshot restored the ordinary way.
     */
    final class Latest {
        private final SourceConfig s;
        private final RestoreRequest req;
        private final String root;
        private final String host;
        private final CompletableFuture<Snapshot> resolving;
        private Snapshot chosen;

        private Latest(SourceConfig s, RestoreRequest req, String root, String host) {
            this.s = s;
            this.req = req;
            this.root = root;
            this.host = host;
            // restic restore resolves latest itself at once; the snapshot list, read beside it, checks its choice
            this.resolving = CompletableFuture.supplyAsync(
                    () -> new SnapshotSelector(ctx.restic(), host).resolve(s, null), task -> {
                        Thread t = new Thread(task, "restore-snapshots");
                        t.setDaemon(true);
                        t.start();
                    });
        }

        /** The snapshot this restore put back, once the list has named it (null before, or when the list failed). */
        Snapshot chosen() {
            return chosen;
        }

        RestoreReport restore() {
            long t0 = System.nanoTime();
            Path target = req.target().toAbsolutePath().normalize();
            return staged(target, staging -> {
                String restored;
                try {
                    Files.createDirectories(staging);
                    restored = ctx.restic().restoreLatest(host, s.name(), root, staging.toString(), ctx.progress());
                } catch (CfsException e) {
                    restored = null; // restic found nothing under these filters (or failed): decided below
                }
                Snapshot snap;
                try {
                    snap = resolving.join();
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : e;
                }
                chosen = snap;
                ctx.cancellation().check();
                if (restored == null || !snap.id().startsWith(restored)) {
                    FileTrees.deleteTree(staging);
                    Files.createDirectories(staging);
                    ctx.restic().restore(snap.id(), staging.toString(), List.of(), false, ctx.progress());
                }
                return placeStaged(s, snap, target, staging, t0);
            });
        }
    }

    /** Moves the tree restic restored into the staging folder to the target's root and removes the staging folder. */
    private RestoreReport placeStaged(SourceConfig s, Snapshot snap, Path target, Path staging, long t0)
            throws IOException {
        List<String> paths = snap.paths();
        FileTrees.Meta rootMeta = null;
        ctx.cancellation().check();
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
        return RestoreReport.intoTarget(s.name(), snap.shortIdOrPrefix(), target.toString(), false, fb[0], fb[1],
                seconds(t0));
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
}
