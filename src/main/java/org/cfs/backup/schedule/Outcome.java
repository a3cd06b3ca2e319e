package org.cfs.backup.schedule;

import org.cfs.backup.ExitCode;

/** A job's outcome in the run history ({@code ok|failed|partial|interrupted}) from its exit code. */
public final class Outcome {
    private Outcome() {
    }

    public static String of(int exitCode, boolean cancelled) {
        if (exitCode == ExitCode.INTERRUPTED || (cancelled && exitCode != ExitCode.OK)) {
            return "interrupted";
        }
        return switch (exitCode) {
            case ExitCode.OK -> "ok";
            case ExitCode.PARTIAL -> "partial";
            default -> "failed";
        };
    }
}
