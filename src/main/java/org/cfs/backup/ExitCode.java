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

    private ExitCode() {
    }
}
