package org.cfs.backup.process;

import java.time.Duration;

/**
 * How a child ended: its exit code, its stdout (when captured) and the capped tail of its stderr.
 *
 * @param cancelled true when the child was stopped because the operation was cancelled
 */
public record ProcessResult(int exitCode, String stdout, String stderrTail, Duration elapsed, boolean cancelled) {
    public boolean ok() {
        return exitCode == 0;
    }
}
