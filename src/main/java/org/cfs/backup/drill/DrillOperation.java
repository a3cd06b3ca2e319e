package org.cfs.backup.drill;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.cfs.backup.CfsException;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticProgress;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.restore.SnapshotSelector;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;
import org.cfs.backup.state.RunRecorder;

/**
 * Proves that the latest snapshot of each source restores and is intact, one mode a source:
 * streaming ({@link StreamDrill}, the default), {@code --full} ({@link FullDrill}) for folders and
 * volumes, the dump checks ({@link DumpDrill}) for command sources. This class picks the mode and
 * the snapshot and records each source's drill and the run in the run history and the audit log.
 */
public final class DrillOperation {
    private final Cancellation cancellation;
    private final RunHistory history;
    private final AuditLog auditLog;
    private final RunRecorder recorder;
    private DrillContext ctx;

    public DrillOperation(Config config, Restic restic, Docker docker, Cancellation cancellation, RunHistory history,
                          AuditLog auditLog, Consumer<String> log, ProcessRunner runner) {
        this.cancellation = cancellation;
        this.history = history;
        this.auditLog = auditLog;
        this.recorder = new RunRecorder(history, auditLog);
        this.ctx = new DrillContext(config, restic, docker, cancellation, log, config.host(), runner, null);
    }

    /** Tells the listener the progress of each restic call (issue 14: a terminal shows it); null for none. */
    public DrillOperation progress(ResticProgress.Listener listener) {
        this.ctx = ctx.withProgress(listener);
        return this;
    }

    /** Drills the snapshots of another host ({@code drill --host NAME}); null keeps the config's. */
    public DrillOperation host(String name) {
        this.ctx = ctx.withHost(name == null ? ctx.config().host() : name);
        return this;
    }

    public DrillReport run(List<SourceConfig> sources, boolean full) {
        Instant start = Instant.now();
        List<SourceDrill> results = new ArrayList<>();
        for (SourceConfig s : sources) {
            cancellation.check();
            Instant t0 = Instant.now();
            SourceDrill d = drillSource(s, full);
            results.add(d);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("duration_s", d.durationS());
            f.put("files_verified", d.filesVerified());
            f.put("bytes_verified", d.bytesVerified());
            f.put("mode", d.mode());
            if (d.rtoS() != null) {
                f.put("rto_s", d.rtoS());
                f.put("throughput_mib_s", d.throughputMibS());
            }
            recorder.record("drill", new RunRecord("drill", s.name(), t0, Instant.now(), d.passed() ? "ok" : "failed",
                    d.snapshotId(), f, d.problems().isEmpty() ? null : d.problems().get(0)),
                    RunRecorder.fields("mode", d.mode(), "files", d.filesVerified(), "bytes", d.bytesVerified(),
                            "duration_s", d.durationS(), "problems", d.problems().isEmpty() ? null : d.problems().size()), true);
        }
        DrillReport report = DrillReport.of(results);
        boolean passed = report.passed();
        List<String> failedNames = results.stream().filter(r -> !r.passed()).map(SourceDrill::source).toList();
        recorder.runEnd("drill", "drill", start, passed ? "ok" : "failed", results.size(), failedNames,
                passed ? null : "drill failed for " + String.join(", ", failedNames), true);
        return report;
    }

    private SourceDrill drillSource(SourceConfig s, boolean full) {
        long t0 = System.nanoTime();
        DrillRun run = s.kind() == SourceConfig.Kind.COMMAND ? new DumpDrill(ctx, s)
                : full ? new FullDrill(ctx, s) : new StreamDrill(ctx, s);
        Snapshot snap;
        try {
            if (run instanceof StreamDrill stream) {
                snap = stream.latest();
                if (snap != null) {
                    return run.report(snap, seconds(t0));
                }
            }
            snap = new SnapshotSelector(ctx.restic(), ctx.host()).resolve(s, null);
        } catch (CancelledException e) {
            throw e;
        } catch (CfsException e) {
            run.problems.add(e.getMessage());
            return SourceDrill.failed(s.name(), run.mode, seconds(t0), run.problems.list());
        }
        run.run(snap);
        if (cancellation.isCancelled()) {
            throw new CancelledException();
        }
        return run.report(snap, seconds(t0));
    }

    static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
    }
}
