package org.cfs.backup.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cfs.backup.JobRequest;
import org.cfs.backup.backup.BackupReport;
import org.cfs.backup.backup.ProgressListener;
import org.cfs.backup.browse.SnapshotBrowser;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.drill.DrillReport;
import org.cfs.backup.restore.RestoreOperation;
import org.cfs.backup.restore.RestoreReport;
import org.cfs.backup.restore.RestoreRequest;
import org.cfs.backup.schedule.StatusReport;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.OperationLock;
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

    /** The restore command's operation, built as {@link RestoreCommand} builds it. */
    private RestoreOperation restoreOperation() {
        return new RestoreOperation(s.config(), s.restic(), s.docker(), s.journal(), s.cancellation(), s.history(),
                s.auditLog(), line -> {
                    s.err().println("cfs-backup: " + line);
                    s.err().flush();
                }, s.runner());
    }

    @Override
    public boolean checkRestore(RestoreRequest request) {
        RestoreOperation op = restoreOperation();
        SourceConfig sc = op.validate(request);
        return RestoreOperation.inPlace(sc, request);
    }

    /** As {@code restore} runs it: the operation lock (busy: exit 4, the console's queue retries), then the operation. */
    @Override
    public RestoreReport restore(RestoreRequest request) {
        try (OperationLock lock = s.lock("restore")) {
            return restoreOperation().run(request);
        }
    }

    @Override
    public List<Path> livePaths(String source) {
        SourceConfig sc = s.config().select(List.of(source)).get(0);
        List<Path> out = new ArrayList<>();
        if (sc.kind() == SourceConfig.Kind.VOLUME) {
            try {
                out.add(Path.of(s.docker().volume(sc.volume()).mountpoint()));
            } catch (RuntimeException e) {
                // the volume is gone (a restore re-creates it): no live folder to keep targets out of
            }
        } else if (sc.kind() == SourceConfig.Kind.PATHS) {
            sc.allPaths().forEach(p -> out.add(Path.of(p)));
        }
        return out;
    }

    @Override
    public long restoreSize(String snapshotId) {
        return s.restic().restoreSize(snapshotId);
    }
}
