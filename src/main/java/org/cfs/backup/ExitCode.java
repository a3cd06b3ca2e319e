package org.cfs.backup;

/** The one place that names every exit code of cfs-backup (PRODUCT.md's contract). */
public final class ExitCode {
    /** Everything worked. */
    public static final int OK = 0;
    /** The operation failed: a backup, a drill, a critical quota level, a critical audit finding. */
    public static final int FAILED = 1;
    /** Usage or configuration error; nothing was done. */
    public static final int USAGE = 2;
    /** Partial success or a warning: some sources failed, quota warning, audit warnings. */
    public static final int PARTIAL = 3;
    /** Another cfs-backup operation holds the lock. */
    public static final int BUSY = 4;
    /** Interrupted by SIGINT/SIGTERM after cleaning up. */
    public static final int INTERRUPTED = 130;

    /** Every exit code with its meaning, in order: the "Exit codes" of every command's --help. */
    public static final java.util.Map<String, String> DESCRIPTIONS = descriptions();

    private static java.util.Map<String, String> descriptions() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("0", "ok");
        m.put("1", "the operation failed (a backup, a drill, quota critical, a critical audit finding)");
        m.put("2", "usage or configuration error; nothing was done");
        m.put("3", "partial or warning (some sources failed, quota warning, audit warnings, stale status)");
        m.put("4", "busy: another cfs-backup operation holds the lock (its pid and command are named)");
        m.put("130", "interrupted (SIGINT/SIGTERM), after cleaning up");
        return java.util.Collections.unmodifiableMap(m);
    }

    private ExitCode() {
    }
}
