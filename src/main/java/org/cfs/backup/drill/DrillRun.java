package org.cfs.backup.drill;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cfs.backup.CfsException;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.restic.Snapshot;

/**
 * One source's drill in one mode: the problems it finds and the files and bytes it verified, which
 * stay counted when a later step fails. The listing helpers are shared by the tree modes.
 */
abstract class DrillRun {
    final DrillContext ctx;
    final SourceConfig source;
    /** {@code stream}, {@code full} or {@code dump} ({@code drill --json}'s {@code mode}). */
    final String mode;
    final Problems problems = new Problems();
    private long files;
    private long bytes;

    DrillRun(DrillContext ctx, SourceConfig source, String mode) {
        this.ctx = ctx;
        this.source = source;
        this.mode = mode;
    }

    /** Checks the snapshot, adding what it verified ({@link #verified}) and what is wrong ({@link #problems}). */
    abstract void drill(Snapshot snap);

    /** Drills the snapshot; a failed step (restic, the drill-command) becomes a problem, an interruption is thrown. */
    final void run(Snapshot snap) {
        try {
            drill(snap);
        } catch (CancelledException e) {
            throw e;
        } catch (CfsException e) {
            problems.add(e.getMessage());
        }
    }

    final void verified(long files, long bytes) {
        this.files += files;
        this.bytes += bytes;
    }

    /** The source's result for the snapshot drilled. */
    SourceDrill report(Snapshot snap, double durationS) {
        return SourceDrill.verified(source.name(), snap.shortIdOrPrefix(), files, bytes, durationS, problems.list(),
                mode);
    }

    /** Where each snapshot path is live now (null: not comparable, e.g. a volume that is gone). */
    Map<String, Path> liveRoots(Snapshot snap) {
        Map<String, Path> out = new LinkedHashMap<>();
        if (source.kind() == SourceConfig.Kind.VOLUME) {
            Path mp = null;
            try {
                mp = Path.of(ctx.docker().volume(source.volume()).mountpoint());
            } catch (CfsException e) {
                ctx.log().accept(source.name() + ": no live comparison: " + e.getMessage());
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

    ListingIndex index(Snapshot snap, String root) {
        ListingIndex index = new ListingIndex();
        String under = root.endsWith("/") ? root : root + "/";
        ctx.restic().ls(snap.id(), List.of(root), n -> {
            if (n.path().startsWith(under)) {
                index.put(n.path(), ListingIndex.type(n.type()), n.size(), n.mtimeNanos());
            }
        });
        return index;
    }

    /** Names the listed entries the stream never carried (a second pass over the listing; only on failure). */
    void reportMissing(Snapshot snap, String root, ListingIndex index) {
        String under = root.endsWith("/") ? root : root + "/";
        ctx.restic().ls(snap.id(), List.of(root), n -> {
            if (n.path().startsWith(under) && !index.seen(n.path())) {
                problems.add(n.path() + ": in the snapshot's listing but missing from the restored data");
            }
        });
    }
}
