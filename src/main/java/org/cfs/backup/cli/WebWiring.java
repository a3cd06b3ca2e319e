package org.cfs.backup.cli;

import java.util.List;

import org.cfs.backup.JobRequest;
import org.cfs.backup.backup.BackupReport;
import org.cfs.backup.backup.ProgressListener;
import org.cfs.backup.browse.SnapshotBrowser;
import org.cfs.backup.config.Config;
import org.cfs.backup.drill.DrillReport;
import org.cfs.backup.schedule.StatusReport;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.web.WebBackend;

/**
 * Hands the web console this invocation's wiring: the same job runner ({@link Jobs}), lock and state
 * as the {@code backup} and {@code drill} commands.
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

    /** The console's backups and drills run the one way every job runs (lock, operation, alert policy). */
    @Override
    public BackupReport backup(List<String> sources, ProgressListener progress) {
        return new Jobs(s, s.err(), progress).backup(JobRequest.of(sources));
    }

    @Override
    public DrillReport drill(List<String> sources) {
        return new Jobs(s, s.err(), ProgressListener.NONE).drill(JobRequest.of(sources));
    }
}
