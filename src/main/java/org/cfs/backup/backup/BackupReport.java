package org.cfs.backup.backup;

import java.util.List;

import org.cfs.backup.ExitCode;
import org.cfs.backup.Job;
import org.cfs.backup.JobReport;

/** The outcome of a backup run: {@code ok}, {@code partial} or {@code failed}, and every source's result. */
public record BackupReport(String status, List<SourceResult> sources) implements JobReport {

    @Override
    public Job job() {
        return Job.BACKUP;
    }

    @Override
    public String problem() {
        return sources.stream().filter(s -> s.error() != null).map(s -> s.source() + ": " + s.error())
                .findFirst().orElse(null);
    }

    /** A dry run (every source) touched nothing. */
    @Override
    public boolean changedSomething() {
        return sources.stream().anyMatch(s -> !s.dryRun());
    }

    public static BackupReport of(List<SourceResult> sources) {
        long ok = sources.stream().filter(s -> s.status().equals("ok")).count();
        long failed = sources.stream().filter(s -> s.status().equals("failed") || s.status().equals("interrupted")).count();
        String status;
        if (ok == sources.size()) {
            status = "ok";
        } else if (failed == sources.size()) {
            status = "failed";
        } else {
            status = "partial";
        }
        return new BackupReport(status, List.copyOf(sources));
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
