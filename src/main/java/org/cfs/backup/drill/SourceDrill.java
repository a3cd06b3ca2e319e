package org.cfs.backup.drill;

import java.util.List;

/**
 * One source's drill result ({@code drill --json}'s {@code sources[]}), made by {@link #verified},
 * {@link #failed} and, for {@code --full}, {@link #withRestoreTime}.
 *
 * @param mode           {@code stream}, {@code full} or {@code dump}
 * @param rtoS           --full: seconds the real restore took (the recovery time objective measured), else null
 * @param throughputMibS --full: restored MiB per second, else null
 */
public record SourceDrill(String source, boolean passed, String snapshotId, long filesVerified, long bytesVerified,
                          double durationS, List<String> problems, String mode, Double rtoS, Double throughputMibS) {

    /** A snapshot drilled: passed when no problem was found. */
    public static SourceDrill verified(String source, String snapshotId, long files, long bytes, double durationS,
                                       List<String> problems, String mode) {
        return new SourceDrill(source, problems.isEmpty(), snapshotId, files, bytes, durationS, problems, mode, null,
                null);
    }

    /** No snapshot to drill (none, or restic could not list them): failed with the reason among the problems. */
    public static SourceDrill failed(String source, String mode, double durationS, List<String> problems) {
        return new SourceDrill(source, false, null, 0, 0, durationS, problems, mode, null, null);
    }

    /** This result with the measured restore of {@code --full}. */
    public SourceDrill withRestoreTime(double rtoS, double throughputMibS) {
        return new SourceDrill(source, passed, snapshotId, filesVerified, bytesVerified, durationS, problems, mode,
                rtoS, throughputMibS);
    }
}
