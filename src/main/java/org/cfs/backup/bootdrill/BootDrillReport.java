package org.cfs.backup.bootdrill;

import org.cfs.backup.ExitCode;
import org.cfs.backup.Job;
import org.cfs.backup.JobReport;

import java.util.List;

/**
 * {@code drill --boot --json}: as {@code drill --json} ({@code passed}, {@code sources[]}), each
 * source with its {@code boot} result.
 */
public record BootDrillReport(boolean passed, List<Source> sources) implements JobReport {

    @Override
    public Job job() {
        return Job.BOOT_DRILL;
    }

    /** 1 when any source's app did not start on its restored data. */
    @Override
    public int exitCode() {
        return passed ? ExitCode.OK : ExitCode.FAILED;
    }

    @Override
    public String problem() {
        return sources.stream().filter(s -> !s.passed()).map(s -> s.source() + ": "
                + (s.problems() == null || s.problems().isEmpty() ? "boot drill failed" : s.problems().get(0)))
                .findFirst().orElse(null);
    }

    /**
     * One source: the fields of {@code drill --json}'s sources plus {@code boot}.
     *
     * @param filesVerified files restored into the scratch copy
     * @param mode          {@code boot-volume}, {@code boot-path} or {@code boot-dump}
     */
    public record Source(String source, boolean passed, String snapshotId, long filesVerified, long bytesVerified,
                         double durationS, List<String> problems, String mode, Boot boot) {
    }

    /**
     * @param secondsToHealthy from the start of the restore to the app healthy (the recovery time
     *                         measured), null when it never was
     * @param restoreS         the restore into the scratch copy
     * @param startS           from {@code docker start} (or the server's start) to healthy
     * @param passedBy         {@code healthcheck}, {@code probe}, {@code settle}, {@code sqlite} or {@code load}
     * @param scratchBytes     scratch space the restored copy used
     * @param sqliteChecked    SQLite databases that passed {@code PRAGMA integrity_check}
     */
    public record Boot(boolean passed, Double secondsToHealthy, List<String> problems, String container, String image,
                       Double restoreS, Double startS, String passedBy, Long scratchBytes, int sqliteChecked,
                       List<TableCount> tables) {
    }

    /** A MariaDB dump's table with the rows the dump inserts and the rows the loaded server counts. */
    public record TableCount(String database, String table, long dumpRows, Long loadedRows) {
    }
}
