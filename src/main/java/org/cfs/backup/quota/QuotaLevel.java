package org.cfs.backup.quota;

import java.util.Locale;

import org.cfs.backup.ExitCode;

/** How much room the remote has left, against {@code quota.warn-free} and {@code quota.critical-free}. */
public enum QuotaLevel {
    OK(ExitCode.OK), WARNING(ExitCode.PARTIAL), CRITICAL(ExitCode.FAILED), UNKNOWN(ExitCode.FAILED);

    private final int exitCode;

    QuotaLevel(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** critical below {@code criticalFree}, warning below {@code warnFree}, unknown without a free figure. */
    public static QuotaLevel of(Long free, long warnFree, long criticalFree) {
        if (free == null) {
            return UNKNOWN;
        }
        if (free < criticalFree) {
            return CRITICAL;
        }
        if (free < warnFree) {
            return WARNING;
        }
        return OK;
    }
}
