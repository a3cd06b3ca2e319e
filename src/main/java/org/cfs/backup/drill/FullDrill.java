package org.cfs.backup.drill;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cfs.backup.CfsException;
import org.cfs.backup.config.Size;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.state.Trees;

/**
 * {@code drill --full}: a real, verified restore ({@code restic restore --verify}) into a scratch
 * folder in the state dir, timed (the RTO and the throughput), the restored tree walked against the
 * listing and the live source, the scratch folder removed.
 */
final class FullDrill extends DrillRun {
    /** Free space a full drill keeps beyond the snapshot's size. */
    static final long FULL_DRILL_MARGIN = 64L * 1024 * 1024;

    private Double rtoS;
    private Double throughputMibS;

    FullDrill(DrillContext ctx, SourceConfig source) {
        super(ctx, source, "full");
    }

    @Override
    SourceDrill report(Snapshot snap, double durationS) {
        SourceDrill d = super.report(snap, durationS);
        return rtoS == null ? d : d.withRestoreTime(rtoS, throughputMibS);
    }

    @Override
    void drill(Snapshot snap) {
        Map<String, Path> live = liveRoots(snap);
        List<ListingIndex> indexes = new ArrayList<>();
        long need = 0;
        for (String root : snap.paths()) {
            ListingIndex ix = index(snap, root);
            indexes.add(ix);
            need += ix.fileBytes();
        }
        Path scratchParent = ctx.config().stateDir();
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
                r = ctx.restic().restore(snap.id(), scratch.toString(), List.of(), true, ctx.progress());
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
                verifyTree(scratch, root, indexes.get(i), live.get(root));
                if (indexes.get(i).unseenCount() > 0) {
                    reportMissing(snap, root, indexes.get(i));
                }
            }
            rtoS = Math.round(secs * 1000) / 1000.0;
            throughputMibS = Math.round(need / 1048576.0 / secs * 10) / 10.0;
        } catch (IOException e) {
            problems.add("full drill in " + scratch + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            try {
                Trees.delete(scratch);
            } catch (IOException e) {
                ctx.log().accept(source.name() + ": could not remove the drill scratch folder " + scratch + ": " + e.getMessage());
            }
        }
    }

    /** Walks the restored tree: every entry listed with its type and size; files compared with the live ones. */
    private void verifyTree(Path scratch, String root, ListingIndex index, Path liveRoot) throws IOException {
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
                        verified(1, attrs.size());
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
}
