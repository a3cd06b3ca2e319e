package org.cfs.backup.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.cfs.backup.restic.Snapshot;

/**
 * Freshness from the repository itself: a source whose newest snapshot is older than
 * {@code stale-after} (or that has none) is stale, whatever the jobs reported.
 */
public final class Freshness {

    /** One source's newest snapshot time (null: none) and whether it is stale. */
    public record SourceAge(String source, Instant newestSnapshotTime, boolean stale) {
    }

    private Freshness() {
    }

    /** Parses {@code 26h}, {@code 90m}, {@code 2d}, {@code 30s} (validated by the config loader). */
    public static Duration parseDuration(String text) {
        return org.cfs.backup.config.Durations.parse(text);
    }

    /** The newest snapshot per source (by tag), in the order of {@code sources}. */
    public static List<SourceAge> evaluate(List<String> sources, List<Snapshot> snapshots, Instant now,
                                           Duration staleAfter) {
        List<SourceAge> out = new ArrayList<>();
        for (String s : sources) {
            Instant newest = newest(s, snapshots);
            boolean stale = newest == null || Duration.between(newest, now).compareTo(staleAfter) > 0;
            out.add(new SourceAge(s, newest, stale));
        }
        return out;
    }

    public static Instant newest(String source, List<Snapshot> snapshots) {
        Instant newest = null;
        for (Snapshot sn : snapshots) {
            // pass-1 and pre-restore snapshots are not a finished backup of the source
            if (sn.hasTag(source) && sn.isRegular() && sn.time() != null
                    && (newest == null || sn.time().isAfter(newest))) {
                newest = sn.time();
            }
        }
        return newest;
    }
}
