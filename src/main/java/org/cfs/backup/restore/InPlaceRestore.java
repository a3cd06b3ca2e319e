package org.cfs.backup.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cfs.backup.CfsException;
import org.cfs.backup.config.Consistency;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.quiesce.Quiesce;
import org.cfs.backup.restic.BackupRequest;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.Snapshot;

import static org.cfs.backup.restore.RestoreContext.relative;
import static org.cfs.backup.restore.RestoreContext.seconds;

/**
 * A folder or volume source restored in place: a {@code pre-restore} safety snapshot first,
 * containers stopped (or paused) under the quiesce journal, a staged tree swapped in crash-safely
 * ({@link TreeSwap}), the containers started again unless the swap is unfinished.
 */
final class InPlaceRestore {
    /** How many added, changed and removed paths a dry run lists (it counts them all). */
    static final int DRY_RUN_LIST_MAX = 1000;

    private final RestoreContext ctx;

    InPlaceRestore(RestoreContext ctx) {
        this.ctx = ctx;
    }

    /** Pairs of (path in the snapshot, live folder) of an in-place restore. */
    private record Mapping(String snapshotPath, Path live) {
    }

    private List<Mapping> mappings(SourceConfig s, Snapshot snap) {
        List<Mapping> out = new ArrayList<>();
        if (s.kind() == SourceConfig.Kind.VOLUME) {
            Docker.Volume v = ctx.docker().volume(s.volume());
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

    RestoreReport restore(SourceConfig s, Snapshot snap, RestoreRequest req) {
        long t0 = System.nanoTime();
        List<Mapping> maps = mappings(s, snap);
        if (req.dryRun()) {
            TreeDiff diff = new TreeDiff(DRY_RUN_LIST_MAX, new ExcludeMatcher(s.excludes()));
            for (Mapping m : maps) {
                try {
                    diff.compare(ctx.restic(), snap.id(), m.snapshotPath(), m.live(),
                            maps.size() == 1 ? "" : relative(m.snapshotPath()) + "/");
                } catch (IOException e) {
                    throw CfsException.failed("cannot read " + m.live() + ": " + e.getMessage());
                }
            }
            diff.sort();
            return RestoreReport.inPlaceDryRun(s.name(), snap.shortIdOrPrefix(), livePaths(maps), seconds(t0), diff);
        }
        List<Path> made = new ArrayList<>();
        for (Mapping m : maps) {
            ctx.swap().removeStaleStaging(m.live());
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
            ctx.log().accept("made missing folders " + made + " (owners and modes from the snapshot)");
        }
        List<Docker.Container> toQuiesce = s.kind() != SourceConfig.Kind.VOLUME ? List.of()
                : ctx.docker().containersUsing(s.volume()).stream().filter(Docker.Container::running).toList();
        boolean pause = s.consistencyOrLive() == Consistency.PAUSE;
        String preRestoreId;
        double downtime = 0;
        // the same quiesce as a backup's: journal, stop (the source's stop-timeout) or pause, and the
        // way back; a swap left unfinished keeps the containers down (the next command repairs it first)
        Quiesce q = Quiesce.prepare(ctx.docker(), ctx.journal(), ctx.cancellation(), toQuiesce,
                pause ? Quiesce.Action.PAUSE : Quiesce.Action.STOP, s.volume(), "restore", s.stopTimeoutSeconds(),
                ctx.log()).keepQuiescedIf(() -> maps.stream().anyMatch(m -> ctx.swap().unfinished(m.live())),
                "the swap of the restored tree is unfinished");
        try {
            if (!toQuiesce.isEmpty()) {
                ctx.log().accept((pause ? "pausing " : "stopping ") + q.names());
            }
            q.start();
            // the way back: the live state as it is now, quiesced, and whole: the source's excludes do
            // not apply (what they match is left as it is, but the way back must not depend on that)
            List<String> livePaths = maps.stream().map(m -> m.live().toString()).toList();
            List<String> excludes = new ArrayList<>();
            for (String lp : livePaths) {
                // work folders inside a mount-point folder are no part of its state
                excludes.add(lp + "/" + TreeSwap.NEW);
                excludes.add(lp + "/" + TreeSwap.OLD);
            }
            Restic.BackupOutcome pre = ctx.restic().backup(new BackupRequest(ctx.config().host(),
                    List.of(s.name(), SnapshotSelector.PRE_RESTORE_TAG), livePaths, excludes, null, null, false),
                    st -> { }, null);
            preRestoreId = pre.summary().snapshotId();
            ctx.log().accept("saved the current state as snapshot " + preRestoreId + " (tagged "
                    + SnapshotSelector.PRE_RESTORE_TAG + ")");
            for (Mapping m : maps) {
                ctx.cancellation().check();
                Path staging = TreeSwap.workDirs(m.live()).staging();
                // a folder made just now takes its owner and mode from the snapshot, which restic gives
                // the parents of what it restores only when they are selected: one path, no include
                boolean whole = !made.isEmpty() && maps.size() == 1 && snap.paths().size() == 1;
                ctx.restic().restore(snap.id(), staging.toString(), whole ? List.of() : List.of(m.snapshotPath()), false,
                        ctx.progress());
                List<FileTrees.Meta> madeMetas = new ArrayList<>();
                List<Path> madeHere = new ArrayList<>();
                for (Path p : made) {
                    Path stagedP = staging.resolve(relative(p.toString()));
                    if (!p.equals(m.live()) && m.live().startsWith(p) && Files.isDirectory(stagedP, LinkOption.NOFOLLOW_LINKS)) {
                        try {
                            madeMetas.add(FileTrees.readMeta(stagedP));
                            madeHere.add(p);
                        } catch (IOException e) {
                            ctx.log().accept("cannot read the saved owner of " + p + ": " + e.getMessage());
                        }
                    }
                }
                ctx.cancellation().check();
                Path staged = staging.resolve(relative(m.snapshotPath()));
                if (!Files.isDirectory(staged, LinkOption.NOFOLLOW_LINKS)) {
                    throw CfsException.failed("restic restored nothing for " + m.snapshotPath());
                }
                ctx.swap().swap(m.live(), staged, new ExcludeMatcher(s.excludes()));
                for (int i = 0; i < madeHere.size(); i++) {
                    // deepest first (made lists the live folder, then its parents upwards): a folder's mtime last
                    try {
                        FileTrees.applyMeta(madeMetas.get(i), madeHere.get(i));
                    } catch (IOException e) {
                        ctx.log().accept("cannot give " + madeHere.get(i) + " its saved owner and mode: " + e.getMessage());
                    }
                }
            }
        } catch (RuntimeException e) {
            for (Mapping m : maps) {
                try {
                    ctx.swap().removeStaleStaging(m.live());
                } catch (CfsException ce) {
                    ctx.log().accept(ce.getMessage());
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
            q.close();
            if (!toQuiesce.isEmpty() && !q.kept() && q.resumeError() == null) {
                ctx.log().accept((pause ? "unpaused " : "started ") + q.names());
            }
            downtime = q.downtimeSeconds();
        }
        long files = 0;
        long bytes = 0;
        for (Mapping m : maps) {
            try {
                long[] fb = FileTrees.countFiles(m.live());
                files += fb[0];
                bytes += fb[1];
            } catch (IOException e) {
                ctx.log().accept("cannot count restored files in " + m.live() + ": " + e.getMessage());
            }
        }
        return RestoreReport.inPlace(s.name(), snap.shortIdOrPrefix(), livePaths(maps), files, bytes, seconds(t0),
                preRestoreId, toQuiesce.stream().map(Docker.Container::name).toList(), downtime);
    }

    private static String livePaths(List<Mapping> maps) {
        return String.join(",", maps.stream().map(m -> m.live().toString()).toList());
    }
}
