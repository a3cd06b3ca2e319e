package org.cfs.backup.schedule;

import java.io.PrintWriter;
import java.util.List;

/**
 * How the daemon runs a job: the same CLI command, in-process. Implemented by the {@code daemon}
 * command, so that this package knows no operation and no picocli.
 */
public interface CommandInvoker {
    /** True when this build has the command (other topics add theirs). */
    boolean exists(String command);

    /** True when the command has the option, e.g. {@code --json} or {@code --read-data-subset}. */
    boolean hasOption(String command, String option);

    /** Runs {@code cfs-backup ARGS...} and returns its exit code. */
    int run(PrintWriter out, PrintWriter err, List<String> args);
}
