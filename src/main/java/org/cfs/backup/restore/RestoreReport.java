package org.cfs.backup.restore;

import java.util.List;

/**
 * The outcome of one restore, as {@code restore --json} prints it. Made by the factories below,
 * one a mode: {@link #intoTarget}, {@link #piped}, {@link #inPlace}, {@link #inPlaceDryRun}.
 *
 * @param mode              {@code target}, {@code in-place} or {@code pipe}
 * @param preRestoreSnapshotId the safety snapshot an in-place restore took first (the way back)
 * @param containersStopped the containers it stopped (or paused) and started again
 * @param added             dry run: paths the restore would create (relative to the source's root)
 * @param changed           dry run: paths whose content or metadata would change
 * @param removed           dry run: paths that would be deleted
 */
public record RestoreReport(String source, String snapshotId, String mode, String target, boolean dryRun,
                            long filesRestored, long bytesRestored, double durationS, String preRestoreSnapshotId,
                            List<String> containersStopped, double downtimeS, List<String> added, List<String> changed,
                            List<String> removed, long addedCount, long changedCount, long removedCount) {

    /** A tree or a dump file put into a folder ({@code target}: the folder, or the dump file written). */
    public static RestoreReport intoTarget(String source, String snapshotId, String target, boolean dryRun, long files,
                                           long bytes, double durationS) {
        return plain(source, snapshotId, "target", target, dryRun, files, bytes, durationS);
    }

    /** A dump streamed into a command ({@code target}: the command line). */
    public static RestoreReport piped(String source, String snapshotId, String command, boolean dryRun, long files,
                                      long bytes, double durationS) {
        return plain(source, snapshotId, "pipe", command, dryRun, files, bytes, durationS);
    }

    /** An in-place restore done ({@code target}: the live folders, comma-separated). */
    public static RestoreReport inPlace(String source, String snapshotId, String livePaths, long files, long bytes,
                                        double durationS, String preRestoreSnapshotId, List<String> containersStopped,
                                        double downtimeS) {
        return new RestoreReport(source, snapshotId, "in-place", livePaths, false, files, bytes, durationS,
                preRestoreSnapshotId, containersStopped, downtimeS, null, null, null, 0, 0, 0);
    }

    /** What an in-place restore would add, change and remove. */
    static RestoreReport inPlaceDryRun(String source, String snapshotId, String livePaths, double durationS,
                                       TreeDiff diff) {
        return new RestoreReport(source, snapshotId, "in-place", livePaths, true, 0, 0, durationS, null, List.of(), 0,
                diff.added, diff.changed, diff.removed, diff.addedCount, diff.changedCount, diff.removedCount);
    }

    private static RestoreReport plain(String source, String snapshotId, String mode, String target, boolean dryRun,
                                       long files, long bytes, double durationS) {
        return new RestoreReport(source, snapshotId, mode, target, dryRun, files, bytes, durationS, null, List.of(), 0,
                null, null, null, 0, 0, 0);
    }
}
