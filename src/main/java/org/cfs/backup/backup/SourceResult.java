package org.cfs.backup.backup;

/**
 * The outcome of backing up one source, as {@code backup --json} reports it.
 *
 * @param status ok, partial (snapshot made, some files unreadable), failed or interrupted
 * @param downtimeS seconds the source's containers were stopped or paused (0 for live sources)
 * @param warning what went wrong beside a good snapshot (a first-pass snapshot that could not be
 *                forgotten, ...): a human should hear of it, though the backup itself is good; null when none
 */
public record SourceResult(String source, String status, String snapshotId, double durationS, double downtimeS,
                           String error, long filesNew, long filesChanged, long dataAdded, long bytesProcessed,
                           boolean dryRun, String warning) {

    public SourceResult(String source, String status, String snapshotId, double durationS, double downtimeS,
                        String error, long filesNew, long filesChanged, long dataAdded, long bytesProcessed,
                        boolean dryRun) {
        this(source, status, snapshotId, durationS, downtimeS, error, filesNew, filesChanged, dataAdded,
                bytesProcessed, dryRun, null);
    }

    public static SourceResult failed(String source, double durationS, double downtimeS, String error) {
        return new SourceResult(source, "failed", null, durationS, downtimeS, error, 0, 0, 0, 0, false);
    }

    /** The same result with a warning added (joined with "; " to one already there). */
    public SourceResult withWarning(String w) {
        if (w == null) {
            return this;
        }
        return new SourceResult(source, status, snapshotId, durationS, downtimeS, error, filesNew, filesChanged,
                dataAdded, bytesProcessed, dryRun, warning == null ? w : warning + "; " + w);
    }
}
