package org.cfs.backup.web;

import java.util.List;

import org.cfs.backup.backup.BackupReport;
import org.cfs.backup.backup.ProgressListener;
import org.cfs.backup.browse.SnapshotBrowser;
import org.cfs.backup.config.Config;
import org.cfs.backup.drill.DrillReport;
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
}
