package org.cfs.backup.drill;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.restore.SnapshotSelector;

/**
 * The streaming drill (the default for folders and volumes): the snapshot's tar from
 * {@code restic dump} checked against {@code restic ls} and the live source, with no scratch disk
 * and a flat heap.
 */
final class StreamDrill extends DrillRun {
    StreamDrill(DrillContext ctx, SourceConfig source) {
        super(ctx, source, "stream");
    }

    @Override
    void drill(Snapshot snap) {
        Map<String, Path> live = liveRoots(snap);
        for (String root : snap.paths()) {
            ctx.cancellation().check();
            // the listing and the dump start together: restic's start-up (opening the repository,
            // loading its index) overlaps; the tar reader reads ahead of the listing, a bounded way
            CompletableFuture<ListingIndex> listing = new CompletableFuture<>();
            Thread lister = new Thread(() -> {
                try {
                    listing.complete(index(snap, root));
                } catch (RuntimeException e) {
                    listing.completeExceptionally(e);
                }
            }, "drill-ls");
            lister.setDaemon(true);
            lister.start();
            AtomicReference<TarVerifier> v = new AtomicReference<>();
            // issue 16: SQLite files are spooled and checked as the tar streams past; the checks are
            // joined last, so that they overlap the rest of the tar, restic's exit and the comparisons
            SqliteSpool spool = SqliteSpool.create(ctx.config().stateDir(), ctx.runner(), ctx.log());
            java.util.List<String> sqliteFound = java.util.List.of();
            try {
                ProcessResult r;
                try (LiveComparison cmp = new LiveComparison(problems)) {
                    r = ctx.restic().dump(snap.id(), root, in -> {
                        // entries are read ahead of the listing (bounded); a failed listing is reported below
                        v.set(new TarVerifier(listing, root, live.get(root), problems, cmp));
                        v.get().sqlite = spool;
                        v.get().read(in);
                    }, ctx.progress());
                }
                ListingIndex index;
                try {
                    index = listing.join();
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : e;
                }
                if (r.cancelled()) {
                    throw new CancelledException();
                }
                if (!r.ok()) {
                    problems.add(ctx.restic().failure("restic dump of " + root, r).getMessage());
                }
                tally(snap, root, index, v.get());
            } finally {
                if (spool != null) {
                    sqliteFound = spool.finish();
                }
            }
            sqliteFound.forEach(problems::add);
        }
    }

    /** Adds what the tar reader verified to the counts, then names what the stream never carried. */
    private void tally(Snapshot snap, String root, ListingIndex index, TarVerifier v) {
        if (v != null) {
            verified(v.files, v.bytes);
        }
        if (index.unseenCount() > 0) {
            reportMissing(snap, root, index);
        }
    }

    /** Thrown from the listing when restic's {@code latest} is not the snapshot a drill means: stops restic there. */
    private static final class NotTheLatestRegular extends CfsException {
        NotTheLatestRegular() {
            super(ExitCode.FAILED, "restic's latest is not the source's latest regular snapshot");
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
    Snapshot latest() {
        SourceConfig s = source;
        String host = ctx.host();
        String root = SnapshotSelector.expectedPath(s, ctx.docker());
        if (root == null) {
            return null;
        }
        String under = root.endsWith("/") ? root : root + "/";
        CompletableFuture<Snapshot> chosen = new CompletableFuture<>();
        CompletableFuture<ListingIndex> listing = new CompletableFuture<>();
        Thread lister = new Thread(() -> {
            ListingIndex index = new ListingIndex();
            try {
                ctx.restic().lsLatest(host, s.name(), root, snap -> {
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
                listing.completeExceptionally(new CfsException(ExitCode.FAILED, "restic ls ended early"));
            }
        }, "drill-ls");
        lister.setDaemon(true);
        lister.start();
        Path liveRoot = s.kind() == SourceConfig.Kind.VOLUME || Files.isDirectory(Path.of(root)) ? Path.of(root) : null;
        AtomicBoolean abandoned = new AtomicBoolean();
        AtomicReference<TarVerifier> v = new AtomicReference<>();
        ProcessResult r = null;
        CfsException dumpError = null;
        // issue 16: the SQLite checks run while the tar goes on and restic exits; joined below
        SqliteSpool spool = SqliteSpool.create(ctx.config().stateDir(), ctx.runner(), ctx.log());
        java.util.List<String> sqliteFound;
        Snapshot snap;
        try {
            try (LiveComparison cmp = new LiveComparison(problems)) {
                r = ctx.restic().dumpLatest(host, s.name(), root, in -> {
                    // entries are read ahead of the listing, before it names its snapshot too (bounded):
                    // restic dump need not wait for restic ls; a failed listing is reported below
                    TarVerifier tv = new TarVerifier(listing, root, liveRoot, problems, cmp);
                    v.set(tv);
                    tv.sqlite = spool;
                    tv.read(in);
                    if (tv.listingFailed) {
                        // not the snapshot meant, or no listing: closing our end stops restic dump at its
                        // next write (EPIPE) instead of reading it all
                        abandoned.set(chosen.join() == null);
                        in.close();
                    }
                }, ctx.progress());
            } catch (CancelledException e) {
                throw e;
            } catch (CfsException e) {
                dumpError = abandoned.get() ? null : e;
            }
            snap = chosen.join();
        } finally {
            sqliteFound = spool == null ? java.util.List.of() : spool.finish();
        }
        if (ctx.cancellation().isCancelled() || (r != null && r.cancelled())) {
            throw new CancelledException();
        }
        if (snap == null) {
            return null;
        }
        ListingIndex index;
        try {
            index = listing.join();
        } catch (CompletionException e) {
            problems.add(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            return snap;
        }
        if (v.get() != null && !v.get().listingFailed) {
            sqliteFound.forEach(problems::add);
        }
        if (dumpError != null) {
            problems.add(dumpError.getMessage());
        } else if (!r.ok()) {
            problems.add(ctx.restic().failure("restic dump of " + root, r).getMessage());
        }
        tally(snap, root, index, v.get());
        return snap;
    }
}
