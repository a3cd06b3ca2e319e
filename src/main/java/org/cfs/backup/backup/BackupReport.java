package org.cfs.backup.backup;

import java.util.List;

import org.cfs.backup.ExitCode;

/** The outcome of a backup run: {@code ok}, {@code partial} or {@code failed}, and every source's result. */
public record BackupReport(String status, List<SourceResult> sources) {

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

    public int exitCode() {
        return switch (status) {
            case "ok" -> ExitCode.OK;
            case "partial" -> ExitCode.PARTIAL;
            default -> ExitCode.FAILED;
        };
    }
}
