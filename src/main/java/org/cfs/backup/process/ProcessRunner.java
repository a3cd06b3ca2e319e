package org.cfs.backup.process;

/**
 * Runs outside programs. The one seam between cfs-backup and every child process: the real
 * implementation is {@link ZtProcessRunner}; tests of parsers use a fake that replays output.
 */
public interface ProcessRunner {
    /**
     * Runs the child to its end. A non-zero exit is not an exception: callers classify it.
     *
     * @throws ProcessException when the program cannot be started or its streams fail
     */
    ProcessResult run(ProcessSpec spec);
}
