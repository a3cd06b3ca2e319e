package org.cfs.backup.restore;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.cfs.backup.CfsException;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticProgress;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.QuiesceJournal;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;
import org.cfs.backup.state.RunRecorder;

/**
 * Puts a source back: into an empty folder (the source's tree at its root; {@link TargetRestore}),
 * in place (a {@code pre-restore} safety snapshot first, containers stopped under the quiesce
 * journal, a staged tree swapped in crash-safely; {@link InPlaceRestore}), or a dump into a file or
 * a command ({@link DumpRestore}). This class checks the request, picks the snapshot and the mode,
 * and records the run in the run history and the audit log.
 */
public final class RestoreOperation {
    private final Config config;
    private final Restic restic;
    private final Docker docker;
    private final Cancellation cancellation;
    private final RunHistory history;
    private final AuditLog auditLog;
    private final RunRecorder recorder;
    private final TreeSwap swap;
    private final TargetRestore toTarget;
    private final InPlaceRestore inPlace;
    private final DumpRestore dump;
    /** issue 14: the progress listener of the restic calls; set by {@link #progress}. */
    private final java.util.concurrent.atomic.AtomicReference<ResticProgress.Listener> progress =
            new java.util.concurrent.atomic.AtomicReference<>();

    public RestoreOperation(Config config, Restic restic, Docker docker, QuiesceJournal journal, Cancellation cancellation,
                            RunHistory history, AuditLog auditLog, Consumer<String> log, ProcessRunner runner) {
        this.config = config;
        this.restic = restic;
        this.docker = docker;
        this.cancellation = cancellation;
        this.history = history;
        this.auditLog = auditLog;
        this.recorder = new RunRecorder(history, auditLog);
        this.swap = new TreeSwap(config.stateDir(), log);
        RestoreContext ctx = new RestoreContext(config, restic, docker, journal, cancellation, log, swap, runner,
                progress);
        this.toTarget = new TargetRestore(ctx);
        this.inPlace = new InPlaceRestore(ctx);
        this.dump = new DumpRestore(ctx);
    }

    /** Tells the listener the progress of each restic call (issue 14: a terminal shows it); null for none. */
    public RestoreOperation progress(ResticProgress.Listener listener) {
        this.progress.set(listener);
        return this;
    }

    /** Checks the request before anything is read or written (exit 2 on a bad request). */
    public SourceConfig validate(RestoreRequest req) {
        SourceConfig s = config.source(req.source()).orElseThrow(() -> CfsException.usage("unknown source '"
                + req.source() + "' (configured: " + String.join(", ", config.sources().stream().map(SourceConfig::name).toList()) + ")"));
        if (req.target() != null) {
            new TargetGuard(config).check(req.target());
            TargetGuard.requireAbsentOrEmpty(req.target().toAbsolutePath().normalize());
        }
        if (s.kind() == SourceConfig.Kind.COMMAND) {
            if (req.target() == null && req.pipeTo() == null && s.restoreCommand() == null) {
                throw CfsException.usage("source '" + s.name() + "' is a dump: give --target DIR (writes the dump file) or --pipe-to \"CMD ARGS\""
                        + ", or set its restore-command (e.g. [docker, exec, -i, mariadb, mariadb]) to load it in place");
            }
            if (req.target() != null && req.pipeTo() != null) {
                throw CfsException.usage("give either --target or --pipe-to, not both");
            }
            if (!req.includes().isEmpty()) {
                throw CfsException.usage("--include does not apply to a dump source");
            }
        } else {
            if (req.pipeTo() != null) {
                throw CfsException.usage("--pipe-to applies to dump (command) sources only");
            }
            if (req.target() == null && !req.includes().isEmpty()) {
                throw CfsException.usage("--include needs --target: an in-place restore replaces the whole source "
                        + "(restore the paths into a folder and copy them over instead)");
            }
            for (String i : req.includes()) {
                if (i.contains("..")) {
                    throw CfsException.usage("--include " + i + ": must be a path inside the source, without '..'");
                }
            }
        }
        return s;
    }

    /** Whose snapshots the request reads: {@code --host}, else the config's host (pre-restore snapshots are always the config's). */
    String snapshotHost(RestoreRequest req) {
        return req.host() != null ? req.host() : config.host();
    }

    /** True when this request replaces live data (so the operator must confirm). */
    public static boolean inPlace(SourceConfig s, RestoreRequest req) {
        // a dump loaded with its restore-command replaces the database's live data too
        return req.target() == null && (s.kind() != SourceConfig.Kind.COMMAND || req.pipeTo() == null);
    }

    public RestoreReport run(RestoreRequest req) {
        SourceConfig s = validate(req);
        Instant start = Instant.now();
        String snapshotId = null;
        try {
            swap.recover();
            String latestRoot = req.target() != null && s.kind() != SourceConfig.Kind.COMMAND && !req.dryRun()
                    && req.includes().isEmpty() && (req.snapshot() == null || req.snapshot().equals("latest"))
                    ? SnapshotSelector.expectedPath(s, docker) : null;
            RestoreReport r;
            if (latestRoot != null) {
                TargetRestore.Latest latest = toTarget.latest(s, req, latestRoot, snapshotHost(req));
                try {
                    r = latest.restore();
                } finally {
                    snapshotId = latest.chosen() == null ? null : latest.chosen().shortIdOrPrefix();
                }
            } else {
                Snapshot snap = new SnapshotSelector(restic, snapshotHost(req)).resolve(s, req.snapshot());
                snapshotId = snap.shortIdOrPrefix();
                if (s.kind() == SourceConfig.Kind.COMMAND) {
                    r = req.target() == null ? dump.pipe(s, snap, req) : dump.toTarget(s, snap, req);
                } else if (req.target() != null) {
                    r = toTarget.restore(s, snap, req);
                } else {
                    r = inPlace.restore(s, snap, req);
                }
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("duration_s", r.durationS());
            f.put("files_restored", r.filesRestored());
            f.put("bytes_restored", r.bytesRestored());
            f.put("downtime_s", r.downtimeS());
            recorder.record(req.dryRun() ? "restore-dry-run" : "restore",
                    new RunRecord("restore", s.name(), start, Instant.now(), "ok", snapshotId, f, null),
                    RunRecorder.fields("mode", r.mode(), "target", r.target(), "pre_restore", r.preRestoreSnapshotId(),
                            "files", r.filesRestored(), "bytes", r.bytesRestored(), "duration_s", r.durationS()),
                    !req.dryRun());
            return r;
        } catch (RuntimeException e) {
            String outcome = cancellation.isCancelled() ? "interrupted" : "failed";
            recorder.record(req.dryRun() ? "restore-dry-run" : "restore", new RunRecord("restore", s.name(), start,
                    Instant.now(), outcome, snapshotId, Map.of(), e.getMessage()), Map.of(), !req.dryRun());
            throw e;
        }
    }
}
