package org.cfs.backup.web;

import java.nio.file.Path;
import java.util.List;

import org.cfs.backup.backup.BackupReport;
import org.cfs.backup.backup.ProgressListener;
import org.cfs.backup.browse.SnapshotBrowser;
import org.cfs.backup.config.Config;
import org.cfs.backup.drill.DrillReport;
import org.cfs.backup.restore.RestoreReport;
import org.cfs.backup.restore.RestoreRequest;
import org.cfs.backup.schedule.StatusReport;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.RunHistory;

/**
 * What the console needs from the rest of cfs-backup, wired by the command that serves it (the
 * {@code web} command or the daemon): the arrows point inward, this package knows no command.
 * {@link #backup} and {@link #drill} run the operations as the CLI does, under the state dir's
 * operation lock (a busy lock throws a {@link org.cfs.backup.CfsException} with exit code 4).
 */
public interface WebBackend {
    Config config();

    SnapshotBrowser browser();

    /** The document of {@code status --json}. */
    StatusReport.Document status();

    RunHistory history();

    AuditLog auditLog();

    BackupReport backup(List<String> sources, ProgressListener progress);

    DrillReport drill(List<String> sources);

    /**
     * Checks a restore as the {@code restore} command does before anything is read or written (the
     * source, the refused and non-empty targets, includes): a bad one throws exit 2 with the reason.
     *
     * @return true when the request replaces live data (in place)
     */
    boolean checkRestore(RestoreRequest request);

    /** Runs a restore as the {@code restore} command does: under the operation lock, through RestoreOperation. */
    RestoreReport restore(RestoreRequest request);

    /** The live folders a source backs up now (a volume's mountpoint), for refusing restore targets inside them. */
    List<Path> livePaths(String source);

    /** What restoring the whole snapshot writes, in bytes ({@code restic stats --mode restore-size}). */
    long restoreSize(String snapshotId);
}
