package org.cfs.backup.backup;

/**
 * The outcome of backing up one source, as {@code backup --json} reports it.
 *
 * @param status ok, partial (snapshot made, some files unreadable), failed or interrupted
 * @param downtimeS seconds the source's containers were stopped or paused (0 for live sources)
 */
public record SourceResult(String source, String status, String snapshotId, double durationS, double downtimeS,
                           String error, long filesNew, long filesChanged, long dataAdded, long bytesProcessed,
                           boolean dryRun) {

    public static SourceResult failed(String source, double durationS, double downtimeS, String error) {
        return new SourceResult(source, "failed", null, durationS, downtimeS, error, 0, 0, 0, 0, false);
    }
}
