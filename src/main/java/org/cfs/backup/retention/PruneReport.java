package org.cfs.backup.retention;

import java.util.List;

import org.cfs.backup.ExitCode;
import org.cfs.backup.Job;
import org.cfs.backup.JobReport;

/**
 * The outcome of {@code prune}: per source what was kept and removed (or would be, with
 * {@code --dry-run}), whether the shrink guard held it, and the prune summary.
 *
 * @param status ok, guarded (a source was held back: exit 1), partial (some sources failed) or failed
 * @param trashNote set when the repository is on a Drive remote that keeps deleted files in the trash
 *
 * <p>A source's {@code host} is null for this host's own sources; in fleet mode the other hosts'
 * sources found in the repository follow, each with its host.
 */
public record PruneReport(String status, boolean dryRun, boolean forced, List<SourcePrune> sources, boolean pruned,
                          String pruneSummary, String trashNote, String error) implements JobReport {

    @Override
    public Job job() {
        return Job.PRUNE;
    }

    @Override
    public String problem() {
        if (error != null) {
            return error;
        }
        return sources.stream().filter(s -> s.guarded() || s.error() != null)
                .map(s -> s.source() + ": " + (s.error() != null ? s.error() : s.guardReason())).findFirst().orElse(null);
    }

    @Override
    public boolean changedSomething() {
        return !dryRun;
    }

    /** One source. {@code newestSize}/{@code previousSize} are restore sizes in bytes (null: fewer than two snapshots). */
    public record SourcePrune(String source, int snapshots, int kept, int removed, List<String> removedIds,
                              boolean guarded, String guardReason, Long newestSize, Long previousSize, String error,
                              String host) {
        /** A source of this host (host null). */
        public SourcePrune(String source, int snapshots, int kept, int removed, List<String> removedIds,
                           boolean guarded, String guardReason, Long newestSize, Long previousSize, String error) {
            this(source, snapshots, kept, removed, removedIds, guarded, guardReason, newestSize, previousSize, error, null);
        }

        /**
         * The source's name, or {@code HOST/SOURCE} for another host's source (fleet mode: the node
         * that prunes applies retention to every host's snapshots).
         */
        public String label() {
            return host == null ? source : host + "/" + source;
        }
    }

    @Override
    public int exitCode() {
        return switch (status) {
            case "ok" -> ExitCode.OK;
            case "partial" -> ExitCode.PARTIAL;
            default -> ExitCode.FAILED;
        };
    }
}
