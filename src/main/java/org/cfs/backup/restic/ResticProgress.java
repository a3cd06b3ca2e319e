package org.cfs.backup.restic;

import java.time.Duration;

/**
 * One progress step of a running restic call (issue 14): restic's own counter where it prints
 * one ({@code check}, {@code prune}: "5 / 8 packs"), or the bytes cfs-backup counted of a stream
 * that restic prints no status for ({@code dump}: unit {@link #BYTES}).
 *
 * @param unit what is counted: restic's word ("packs", "snapshots", "files deleted") or {@link #BYTES}
 * @param done how many so far
 * @param total how many in all, or -1 when unknown
 * @param elapsed time since the step began (restic's own clock for its counters)
 */
public record ResticProgress(String unit, long done, long total, Duration elapsed) {
    public static final String BYTES = "bytes";

    /** A share in [0, 1], or -1 when the total is unknown. */
    public double fraction() {
        return total <= 0 ? -1 : Math.min(1.0, (double) done / total);
    }

    /** Per second since the step began; 0 at the start. */
    public double rate() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : done / s;
    }

    /** Seconds still to go at the rate so far, or -1 when it cannot be told. */
    public long secondsRemaining() {
        double r = rate();
        if (total <= 0 || r <= 0) {
            return -1;
        }
        return Math.max(0, Math.round((total - done) / r));
    }

    /** Told of each step of one restic call; called on the call's stream thread, so quick and thread-safe. */
    @FunctionalInterface
    public interface Listener {
        void progress(ResticProgress step);

        /** Nobody watches. */
        Listener NONE = step -> { };
    }
}
