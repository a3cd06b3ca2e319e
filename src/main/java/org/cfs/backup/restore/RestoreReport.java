package org.cfs.backup.restore;

import java.util.List;

/**
 * The outcome of one restore, as {@code restore --json} prints it.
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
}
