package org.cfs.backup.cli;

import java.util.List;

import org.cfs.backup.backup.BackupOperation;
import org.cfs.backup.backup.BackupReport;
import org.cfs.backup.backup.ProgressListener;
import org.cfs.backup.browse.SnapshotBrowser;
import org.cfs.backup.config.Config;
import org.cfs.backup.drill.DrillOperation;
import org.cfs.backup.drill.DrillReport;
import org.cfs.backup.schedule.StatusReport;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.OperationLock;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.web.WebBackend;

/**
 * Hands the web console this invocation's wiring: the same operations, lock and state as the
 * {@code backup} and {@code drill} commands (see {@link BackupCommand}, {@link DrillCommand}).
 */
final class WebWiring implements WebBackend {
    private final Services s;
    private SnapshotBrowser browser;

    WebWiring(Services s) {
        this.s = s;
    }

    @Override
    public Config config() {
        return s.config();
    }

    @Override
    public synchronized SnapshotBrowser browser() {
        if (browser == null) {
            browser = new SnapshotBrowser(s.config(), s.restic());
        }
        return browser;
    }

    @Override
    public StatusReport.Document status() {
        return StatusReport.build(s.config(), s.history(), s.restic(), s.alerts(), s.clock());
    }

    @Override
    public RunHistory history() {
        return s.history();
    }

    @Override
    public AuditLog auditLog() {
        return s.auditLog();
    }

    @Override
    public BackupReport backup(List<String> sources, ProgressListener progress) {
        Config c = s.config();
        var selected = c.select(sources);
        java.io.PrintWriter err = s.err();
        BackupReport report;
        try (OperationLock lock = s.lock("backup")) {
            DriveRuns.beforeBackup(s, selected, err);
            report = new BackupOperation(c, s.restic(), s.docker(), s.journal(), s.runner(), s.cancellation(),
                    s.history(), s.auditLog(), line -> err.println("cfs-backup: " + line), progress).run(selected, false);
        }
        DriveRuns.afterBackup(s, report, err);
        return report;
    }

    @Override
    public DrillReport drill(List<String> sources) {
        var selected = s.config().select(sources);
        java.io.PrintWriter err = s.err();
        try (OperationLock lock = s.lock("drill")) {
            return new DrillOperation(s.config(), s.restic(), s.docker(), s.cancellation(), s.history(), s.auditLog(),
                    line -> err.println("cfs-backup: " + line)).run(selected, false);
        }
    }
}
