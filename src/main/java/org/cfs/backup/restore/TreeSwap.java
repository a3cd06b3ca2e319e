package org.cfs.backup.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.state.AtomicFiles;

/**
 * Replaces a live folder's contents with a staged tree, crash-safely. The staged tree sits next
 * to the folder ({@code .cfs-restore-new-NAME}; inside it as {@value #NEW} when the folder is a
 * mount point), so it is on the same filesystem and every step is a rename. A marker file in the state dir names the phase; when a
 * run dies half-way, {@link #recover} puts the old contents back, so the folder never stays a mix.
 * Swapping the folder's children (not the folder) keeps a paused container's bind mount valid.
 */
public final class TreeSwap {
    static final String NEW = ".cfs-restore-new";
    static final String OLD = ".cfs-restore-old";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the marker file records: the live folder, the staged root, the two work folders, the phase. */
    record Marker(String target, String staged, String staging, String old, String phase, Long liveMtimeNanos,
                  List<String> kept, Long pid, Long pidStartMillis) {
        /** A marker of this process's swap (its pid and start time tell a crashed run from one under way). */
        Marker(String target, String staged, String staging, String old, String phase, Long liveMtimeNanos,
               List<String> kept) {
            this(target, staged, staging, old, phase, liveMtimeNanos, kept, ProcessHandle.current().pid(),
                    ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(null));
        }
        /** True while the process that wrote the marker still runs (its swap is under way, not crashed). */
        @com.fasterxml.jackson.annotation.JsonIgnore
        boolean ownerAlive() {
            return pid != null && org.cfs.backup.state.Owner.alive(pid, pidStartMillis);
        }
    }

    /** The staging folder restic restores into and the folder the old contents wait in during a swap. */
    public record WorkDirs(Path staging, Path old) {
    }

    /** How long a retry waits for a leftover staging folder that another process still writes into. */
    static final long STAGING_WAIT_NANOS = 10_000_000_000L;
    private final Path stateDir;
    private final Consumer<String> log;

    public TreeSwap(Path stateDir, Consumer<String> log) {
        this.stateDir = stateDir;
        this.log = log;
    }

    /** The work folders of a live folder: beside it when it shares its parent's filesystem, else inside it. */
    public static WorkDirs workDirs(Path live) {
        Path parent = live.getParent();
        try {
            if (parent != null && Files.getAttribute(live, "unix:dev").equals(Files.getAttribute(parent, "unix:dev"))) {
                String name = live.getFileName().toString();
                return new WorkDirs(parent.resolve(NEW + "-" + name), parent.resolve(OLD + "-" + name));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // fall back to inside the folder, which is on its filesystem by definition
        }
        return new WorkDirs(live.resolve(NEW), live.resolve(OLD));
    }

    Path markerFile(Path live) {
        String h = HexFormat.of().formatHex(live.toString().getBytes(StandardCharsets.UTF_8));
        if (h.length() > 120) {
            h = h.substring(h.length() - 120) + Integer.toHexString(live.toString().hashCode());
        }
        return stateDir.resolve("restore-swap-" + h + ".json");
    }

    private void mark(Path live, Path staged, WorkDirs w, String phase, long liveMtimeNanos) throws IOException {
        mark(live, staged, w, phase, liveMtimeNanos, List.of());
    }

    private void mark(Path live, Path staged, WorkDirs w, String phase, long liveMtimeNanos, List<String> kept)
            throws IOException {
        AtomicFiles.write(markerFile(live), JSON.writeValueAsString(new Marker(live.toString(), staged.toString(),
                w.staging().toString(), w.old().toString(), phase, liveMtimeNanos, kept.isEmpty() ? null : kept)));
    }

    /**
     * Makes {@code live} hold exactly the staged tree: old children out, new children in, the
     * folder's own owner/mode/mtime from the staged root, then both staging folders removed.
     */
    public void swap(Path live, Path staged) {
        swap(live, staged, null);
    }

    /**
     * As {@link #swap(Path, Path)}, but every path the source's excludes match stays exactly as it
     * is: the snapshot's copy (if any) is dropped from the staged tree, and the live one goes back
     * to its place (same inode, by rename) before the swap is marked done. The marker names them,
     * so a roll-back returns them with the old contents.
     */
    public void swap(Path live, Path staged, ExcludeMatcher keep) {
        WorkDirs w = workDirs(live);
        Path old = w.old();
        try {
            List<String> kept = List.of();
            if (keep != null && !keep.isEmpty()) {
                KeptPaths.drop(staged, live, keep);
                kept = KeptPaths.find(live, live, keep, NEW, OLD);
            }
            // the folder's own mtime, so that a roll-back leaves it exactly as it was
            long mtime = Files.getLastModifiedTime(live, LinkOption.NOFOLLOW_LINKS).to(java.util.concurrent.TimeUnit.NANOSECONDS);
            mark(live, staged, w, "old-out", mtime, kept);
            FileTrees.deleteTree(old);
            Files.createDirectory(old);
            FileTrees.moveChildren(live, old, NEW, OLD);
            FileTrees.Meta meta = FileTrees.readMeta(staged);
            mark(live, staged, w, "new-in", mtime, kept);
            FileTrees.moveChildren(staged, live);
            KeptPaths.move(old, live, kept);
            mark(live, staged, w, "cleanup", mtime);
            FileTrees.deleteTree(old);
            FileTrees.deleteTree(w.staging());
            // last: every change above touched the folder's own mtime
            FileTrees.applyMeta(meta, live);
            Files.deleteIfExists(markerFile(live));
        } catch (IOException e) {
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            try {
                recover();
            } catch (CfsException re) {
                reason += "; rolling back also failed: " + re.getMessage();
            }
            throw new CfsException(ExitCode.FAILED, "swapping the restored tree into " + live + " failed (" + reason
                    + "); the old contents were put back");
        }
    }

    /**
     * Finishes or rolls back swaps a dead run left: before the new tree was fully in, the old
     * contents go back; after, only the leftovers are removed.
     *
     * @return the live folders that were repaired
     */
    public List<Path> recover() {
        List<Path> repaired = new java.util.ArrayList<>();
        if (!Files.isDirectory(stateDir)) {
            return repaired;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(stateDir, "restore-swap-*.json")) {
            for (Path f : ds) {
                Marker m = JSON.readValue(f.toFile(), Marker.class);
                if (m.ownerAlive() && m.pid() != ProcessHandle.current().pid()) {
                    // a restore under way in another process: never touch its swap
                    continue;
                }
                Path live = Path.of(m.target());
                Path old = Path.of(m.old());
                Path staged = Path.of(m.staged());
                boolean rolledBack = !"cleanup".equals(m.phase()) && Files.isDirectory(old, LinkOption.NOFOLLOW_LINKS);
                if (rolledBack) {
                    if ("new-in".equals(m.phase()) && Files.isDirectory(staged)) {
                        // what is in the live folder now came from the staged tree: send it back
                        FileTrees.moveChildren(live, staged, NEW, OLD);
                        // excluded paths already put back went with it: they belong to the old contents
                        KeptPaths.reclaim(staged, old, m.kept());
                    }
                    FileTrees.moveChildren(old, live);
                    if (m.liveMtimeNanos() != null) {
                        Files.setLastModifiedTime(live, java.nio.file.attribute.FileTime.from(m.liveMtimeNanos(),
                                java.util.concurrent.TimeUnit.NANOSECONDS));
                    }
                    log.accept("rolled back an interrupted in-place restore of " + live + ": its old contents are back");
                } else {
                    if ("cleanup".equals(m.phase()) && Files.isDirectory(staged, LinkOption.NOFOLLOW_LINKS)) {
                        // the run died before the folder got the staged root's owner, mode and mtime
                        FileTrees.Meta meta = FileTrees.readMeta(staged);
                        FileTrees.deleteTree(old);
                        FileTrees.deleteTree(Path.of(m.staging()));
                        FileTrees.applyMeta(meta, live);
                    }
                    log.accept("finished clean-up of an interrupted in-place restore of " + live);
                }
                FileTrees.deleteTree(old);
                FileTrees.deleteTree(Path.of(m.staging()));
                if (rolledBack && m.liveMtimeNanos() != null) {
                    // removing a work folder inside a mount-point folder touched its mtime again
                    Files.setLastModifiedTime(live, java.nio.file.attribute.FileTime.from(m.liveMtimeNanos(),
                            java.util.concurrent.TimeUnit.NANOSECONDS));
                }
                Files.deleteIfExists(f);
                repaired.add(live);
            }
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot repair an interrupted in-place restore: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return repaired;
    }

    /**
     * The live folders whose swap is not finished (its owner still runs, or its repair failed): no
     * container may be resumed on them and no backup taken of them.
     */
    public List<Path> unfinished() {
        List<Path> out = new java.util.ArrayList<>();
        if (!Files.isDirectory(stateDir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(stateDir, "restore-swap-*.json")) {
            for (Path f : ds) {
                try {
                    out.add(Path.of(JSON.readValue(f.toFile(), Marker.class).target()));
                } catch (IOException e) {
                    log.accept("unreadable in-place restore marker " + f + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot read " + stateDir + ": " + e.getMessage());
        }
        return out;
    }

    /** True when an in-place restore of this folder (or one holding it, or inside it) is unfinished. */
    public boolean unfinished(Path live) {
        Path l = live.toAbsolutePath().normalize();
        return unfinished().stream().map(p -> p.toAbsolutePath().normalize())
                .anyMatch(p -> p.equals(l) || p.startsWith(l) || l.startsWith(p));
    }

    /** Removes a staging folder a run killed during {@code restic restore} left (no swap had begun). */
    public void removeStaleStaging(Path live) {
        if (Files.exists(markerFile(live))) {
            return;
        }
        Path staging = workDirs(live).staging();
        long deadline = System.nanoTime() + STAGING_WAIT_NANOS;
        boolean said = false;
        while (true) {
            try {
                FileTrees.deleteTree(staging);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new CfsException(ExitCode.FAILED, "cannot remove the leftover staging folder " + staging
                            + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "): another process is still"
                            + " writing into it, likely a restic of a killed cfs-backup (see: fuser -vm " + staging + ")");
                }
                if (!said) {
                    log.accept("waiting up to " + STAGING_WAIT_NANOS / 1_000_000_000L + " s for the leftover staging folder "
                            + staging + " to be released: a restic of a killed run may still be writing into it");
                    said = true;
                }
                try {
                    Thread.sleep(500); // the writer is another process; nothing to wait on but time
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new CfsException(ExitCode.INTERRUPTED, "interrupted");
                }
            }
        }
    }
}
