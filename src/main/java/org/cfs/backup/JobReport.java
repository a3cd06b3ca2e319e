package org.cfs.backup;

/**
 * What an operation returns: a typed report that the CLI prints (text or {@code --json}), the
 * daemon records, and {@code policy.AlertPolicy} turns into alert conditions, the same way for both.
 */
public interface JobReport {
    /** The job that made this report. */
    Job job();

    /** The exit code of the command that printed it (ExitCode). */
    int exitCode();

    /** False for a dry run: nothing was done, so it neither raises nor clears a condition. */
    default boolean changedSomething() {
        return true;
    }

    /** The first thing that went wrong, in one line (for the run history), or null. */
    default String problem() {
        return null;
    }
}
