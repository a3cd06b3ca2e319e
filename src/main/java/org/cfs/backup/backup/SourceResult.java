package org.cfs.backup.backup;

import java.util.List;

/**
 * The outcome of backing up one source, as {@code backup --json} reports it.
 *
 * @param status ok, partial (snapshot made, some files unreadable, or the source shrank), failed or interrupted
 * @param downtimeS seconds the source's containers were stopped or paused (0 for live sources)
 * @param filesNew for a two-pass source both passes' sum (as {@code filesChanged}, {@code dataAdded})
 * @param warning what went wrong beside a good snapshot (a first-pass snapshot that could not be
 *                forgotten, ...): a human should hear of it, though the backup itself is good; null when none
 * @param stopTimeoutS the {@code docker stop -t} of the source's containers (stop consistency), else null
 * @param stopKilled containers that did not exit within {@code stopTimeoutS} after SIGTERM and were killed
 * @param passes a two-pass source's figures per pass (first: live, second: quiesced), else null
 * @param shrunk why the snapshot looks like an emptied source (less than half of the previous one), else null
 */
public record SourceResult(String source, String status, String snapshotId, double durationS, double downtimeS,
                           String error, long filesNew, long filesChanged, long dataAdded, long bytesProcessed,
                           boolean dryRun, String warning, Integer stopTimeoutS, List<String> stopKilled,
                           List<Pass> passes, String shrunk) {

    /**
     * One pass of a two-pass backup: what it added. {@code skipped} says why a second pass did not
     * run (the stopped volume was proven to be what the first pass read), else null.
     */
    public record Pass(int pass, String snapshotId, long filesNew, long filesChanged, long dataAdded,
                       long bytesProcessed, String skipped) {
        public Pass(int pass, String snapshotId, long filesNew, long filesChanged, long dataAdded, long bytesProcessed) {
            this(pass, snapshotId, filesNew, filesChanged, dataAdded, bytesProcessed, null);
        }
    }

    public SourceResult {
        stopKilled = stopKilled == null ? List.of() : List.copyOf(stopKilled);
        passes = passes == null ? null : List.copyOf(passes);
    }

    public SourceResult(String source, String status, String snapshotId, double durationS, double downtimeS,
                        String error, long filesNew, long filesChanged, long dataAdded, long bytesProcessed,
                        boolean dryRun, String warning) {
        this(source, status, snapshotId, durationS, downtimeS, error, filesNew, filesChanged, dataAdded,
                bytesProcessed, dryRun, warning, null, List.of(), null, null);
    }

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
                dataAdded, bytesProcessed, dryRun, warning == null ? w : warning + "; " + w, stopTimeoutS, stopKilled,
                passes, shrunk);
    }

    /** The same result naming another snapshot (a first pass that restic wrote anew without its pass-1 tag). */
    public SourceResult withSnapshotId(String id) {
        return new SourceResult(source, status, id, durationS, downtimeS, error, filesNew, filesChanged,
                dataAdded, bytesProcessed, dryRun, warning, stopTimeoutS, stopKilled, passes, shrunk);
    }

    /** The same result with the stop's time-out and the containers it had to kill. */
    public SourceResult withStop(Integer timeoutS, List<String> killed) {
        return new SourceResult(source, status, snapshotId, durationS, downtimeS, error, filesNew, filesChanged,
                dataAdded, bytesProcessed, dryRun, warning, timeoutS, killed, passes, shrunk);
    }

    /** The same result as {@code failed} with this error (the snapshot, if any, stays named). */
    public SourceResult asFailed(String why) {
        return new SourceResult(source, "failed", snapshotId, durationS, downtimeS, why, filesNew, filesChanged,
                dataAdded, bytesProcessed, dryRun, warning, stopTimeoutS, stopKilled, passes, shrunk);
    }

    /** The same result as a shrunk source: {@code partial}, the reason as its error. */
    public SourceResult asShrunk(String why) {
        return new SourceResult(source, "ok".equals(status) ? "partial" : status, snapshotId, durationS, downtimeS,
                error == null ? why : error + "; " + why, filesNew, filesChanged, dataAdded, bytesProcessed, dryRun,
                warning, stopTimeoutS, stopKilled, passes, why);
    }

    /** The same result with both passes' figures, summed into the totals (bytes processed: the last pass's). */
    public SourceResult withPasses(Pass first, Pass second) {
        long fn = first.filesNew() + (second == null ? 0 : second.filesNew());
        long fc = first.filesChanged() + (second == null ? 0 : second.filesChanged());
        long da = first.dataAdded() + (second == null ? 0 : second.dataAdded());
        return new SourceResult(source, status, snapshotId, durationS, downtimeS, error, fn, fc, da, bytesProcessed,
                dryRun, warning, stopTimeoutS, stopKilled, second == null ? List.of(first) : List.of(first, second),
                shrunk);
    }
}
