package org.cfs.backup.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.cfs.backup.CfsException;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.Consistency;
import org.cfs.backup.config.Size;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.process.Beside;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.process.ProcessSpec;
import org.cfs.backup.quiesce.Quiesce;
import org.cfs.backup.restic.BackupRequest;
import org.cfs.backup.restic.BackupStatus;
import org.cfs.backup.restic.RepositoryFiles;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticError;
import org.cfs.backup.restic.ResticException;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.retention.ShrinkGuard;
import org.cfs.backup.state.FailedSnapshots;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.QuiesceJournal;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;
import org.cfs.backup.state.RunRecorder;
import org.cfs.backup.state.TidyMarker;

/**
 * Backs up sources one after another: folders, Docker volumes (live, or quiesced in two passes so
 * that downtime covers only the changed data) and command dumps streamed into restic. One failing
 * source never stops the others; no container is left stopped, whatever happens.
 */
public final class BackupOperation {
    /** A snapshot tag that marks the first, unquiesced pass of a two-pass backup (forgotten after). */
    public static final String PASS1_TAG = Snapshot.PASS1_TAG;
    /**
     * A snapshot tag that marks a snapshot known bad (a failed dump's) that could not be forgotten:
     * {@code latest}, drills, restores and the prune guard never take it; the next backup forgets it.
     */
    public static final String FAILED_TAG = Snapshot.FAILED_TAG;

    private final Config config;
    private final Restic restic;
    private final Docker docker;
    private final QuiesceJournal journal;
    private final ProcessRunner runner;
    private final Cancellation cancellation;
    private final RunHistory history;
    private final AuditLog auditLog;
    private final Consumer<String> log;
    private final ProgressListener progress;
    private final Hooks hooks;
    private final RunRecorder recorder;

    public BackupOperation(Config config, Restic restic, Docker docker, QuiesceJournal journal, ProcessRunner runner,
                           Cancellation cancellation, RunHistory history, AuditLog auditLog, Consumer<String> log,
                           ProgressListener progress) {
        this.config = config;
        this.restic = restic;
        this.docker = docker;
        this.journal = journal;
        this.runner = runner;
        this.cancellation = cancellation;
        this.history = history;
        this.auditLog = auditLog;
        this.log = log;
        this.progress = progress;
        this.hooks = new Hooks(runner);
        this.recorder = new RunRecorder(history, auditLog);
    }

    /**
     * Backs up the given sources. Records every source and the run in the history and audit log.
     *
     * @throws CancelledException after clean-up when the run was interrupted
     */
    public BackupReport run(List<SourceConfig> sources, boolean dryRun) {
        Instant start = Instant.now();
        List<SourceResult> results = new ArrayList<>();
        boolean interrupted = false;
        TidyMarker tidy = new TidyMarker(config.stateDir(), "backup");
        if (!dryRun && !sources.isEmpty()) {
            boolean wasTidy = tidy.present();
            tidy.clear();
            prepareRepository(wasTidy);
        }
        List<RunRecord> past = dryRun ? List.of() : history.all();
        for (SourceConfig s : sources) {
            if (cancellation.isCancelled()) {
                interrupted = true;
                break;
            }
            Instant t0 = Instant.now();
            SourceResult r = shrinkCheck(backupSource(s, dryRun), past);
            results.add(r);
            recorder.record(dryRun ? "backup-dry-run" : "backup", new RunRecord("backup", s.name(), t0, Instant.now(),
                    r.status(), r.snapshotId(), figures(r), r.error()),
                    RunRecorder.fields("duration_s", r.durationS(), "downtime_s", r.downtimeS()), !dryRun);
            if ("interrupted".equals(r.status())) {
                interrupted = true;
                break;
            }
        }
        if (!dryRun) {
            finishRepository(interrupted, start, results);
        }
        BackupReport report = BackupReport.of(results);
        String status = interrupted ? "interrupted" : report.status();
        if (!dryRun && !interrupted && !leftoversRemain && !results.isEmpty()
                && results.stream().allMatch(r -> "ok".equals(r.status()) && r.warning() == null)) {
            tidy.mark();
        }
        recorder.runEnd("backup", dryRun ? "backup-dry-run" : "backup", start, status, results.size(), List.of(),
                interrupted ? "interrupted by signal" : null, !dryRun);
        if (interrupted) {
            throw new CancelledException();
        }
        return report;
    }

    /** What the work beside the sources found: this host's snapshots (null: not listed), or why not. */
    private record Side(List<Snapshot> listed, CfsException lookError) {
    }

    /** The look and the config snapshot, run beside the sources' backups; null when nothing runs beside. */
    private Beside<Side> side;
    /** The crashed or failed runs' snapshots to forget once the sources are done (the look ran beside them). */
    private List<String> pendingIds = List.of();
    private boolean forgetAfter;

    /**
     * Before the first source: what crashed or failed runs left (first passes, snapshots tagged
     * {@value #FAILED_TAG}, failed dumps that could not even be tagged) must be forgotten, and the
     * config saved when it changed. Skipped when the last run left the repository tidy and nothing
     * is pending: a look costs a restic start. Otherwise one {@code rclone lsf} of the repository's
     * lock and snapshot files decides how (issue 13: a first backup paid two restic starts before
     * its data):
     * <ul>
     * <li>no snapshot at all (a new repository): nothing to look for;</li>
     * <li>no lock: nothing can block the sources, so the look runs beside them and what it finds
     * is forgotten after them;</li>
     * <li>a lock (perhaps a stale exclusive one, which blocks every backup in restic 0.14) or a
     * backend that cannot be listed this way: the look and the forget come first, clearing stale
     * locks when there is something to forget, as before.</li>
     * </ul>
     * The config snapshot then runs beside the sources (a shared lock, as theirs). Nothing here fails the run.
     */
    private void prepareRepository(boolean wasTidy) {
        FailedSnapshots pending = new FailedSnapshots(config.stateDir());
        pendingIds = pending.ids();
        if (wasTidy && pendingIds.isEmpty()) {
            side = Beside.start("config-snapshot", () -> saveConfig(null));
            return;
        }
        RepositoryFiles.Census census;
        try {
            census = new RepositoryFiles(restic).census();
        } catch (CfsException e) {
            census = null; // then restic looks, as it always did
        }
        if (census != null && census.locks() == 0 && census.snapshots() == 0) {
            pending.remove(pendingIds); // an empty repository holds none of them
            pendingIds = List.of();
            side = Beside.start("config-snapshot", () -> saveConfig(List.of()));
            return;
        }
        if (census != null && census.locks() == 0) {
            forgetAfter = true;
            side = Beside.start("look", () -> {
                List<Snapshot> listed;
                try {
                    listed = restic.snapshotsNoLock(config.host(), lookTags());
                } catch (RuntimeException e) {
                    saveConfig(null);
                    return new Side(null, e instanceof CfsException c ? c : CfsException.failed(String.valueOf(e.getMessage())));
                }
                saveConfig(listed);
                return new Side(listed, null);
            });
            return;
        }
        List<Snapshot> listed = null;
        try {
            listed = restic.snapshotsNoLock(config.host(), lookTags());
            forgetDoomed(doomed(listed, null), pending);
        } catch (CfsException e) {
            cannotForget(e);
        }
        List<Snapshot> known = listed;
        side = Beside.start("config-snapshot", () -> saveConfig(known));
    }

    /** The look or its forget failed: said, and this run must not call the repository tidy (the next one looks again). */
    private void cannotForget(CfsException e) {
        leftoversRemain = true;
        log.accept("could not forget the snapshots crashed or failed runs left: " + e.getMessage());
    }

    /** The tags the look lists (none when failed dumps are pending: they may carry no tag at all). */
    private List<String> lookTags() {
        return pendingIds.isEmpty() ? List.of(PASS1_TAG, FAILED_TAG, Snapshot.CONFIG_TAG) : List.of();
    }

    /** The listed snapshots crashed or failed runs left; with {@code before}, only those older than it (not this run's). */
    private List<String> doomed(List<Snapshot> listed, Instant before) {
        List<String> doomed = new ArrayList<>();
        for (Snapshot sn : listed) {
            if (before != null && (sn.time() == null || !sn.time().isBefore(before))) {
                continue;
            }
            if (sn.hasTag(PASS1_TAG) || sn.hasTag(FAILED_TAG) || pendingIds.stream().anyMatch(p -> sn.id().startsWith(p))) {
                doomed.add(sn.id());
            }
        }
        return doomed;
    }

    /** Forgets the doomed snapshots, clearing stale locks first (they make every forget fail in restic 0.14). */
    private void forgetDoomed(List<String> doomed, FailedSnapshots pending) {
        if (!doomed.isEmpty()) {
            try {
                restic.unlock();
            } catch (CfsException e) {
                log.accept("could not clear stale repository locks: " + e.getMessage());
            }
            restic.forget(doomed);
            log.accept("forgot " + doomed.size() + " snapshot(s) crashed or failed runs left (tagged " + PASS1_TAG
                    + " or " + FAILED_TAG + ")");
        }
        pending.remove(pendingIds);
    }

    /** The config snapshot, when the config changed (the repository describes itself; recover reads it back). */
    private Side saveConfig(List<Snapshot> known) {
        try {
            if (!cancellation.isCancelled()) {
                new ConfigSnapshot(config, restic, auditLog, log).saveAfterBackup(known);
            }
        } catch (CancelledException e) {
            // the run is being cancelled: the next run saves it
        } catch (RuntimeException e) {
            log.accept("could not save the config in the repository (" + Snapshot.CONFIG_TAG + "): " + e.getMessage());
        }
        return new Side(known, null);
    }

    /** Waits for the work beside the sources: before containers go down, and before a lock of restic's own. */
    private Side awaitSide() {
        return side == null ? null : side.join();
    }

    /** After the sources: the work beside them ends; what its look found is forgotten (not after a cancel). */
    private void finishRepository(boolean interrupted, Instant runStart, List<SourceResult> results) {
        if (side == null) {
            if (!interrupted) {
                saveConfig(null); // no source: the config alone
            }
            return;
        }
        Side found = awaitSide();
        if (!forgetAfter || interrupted) {
            return;
        }
        List<String> own = new ArrayList<>(); // this run's snapshots, a first pass the look may have listed among them
        for (SourceResult r : results) {
            if (r.snapshotId() != null) {
                own.add(r.snapshotId());
            }
            if (r.passes() != null) {
                r.passes().stream().filter(p -> p != null && p.snapshotId() != null).forEach(p -> own.add(p.snapshotId()));
            }
        }
        try {
            if (found.lookError() != null) {
                throw found.lookError();
            }
            List<String> older = doomed(found.listed(), runStart);
            forgetDoomed(older, new FailedSnapshots(config.stateDir()));
            List<String> later = doomed(found.listed(), null);
            later.removeAll(older);
            later.removeIf(id -> own.stream().anyMatch(id::startsWith));
            if (!later.isEmpty()) {
                leftoversRemain = true; // dated after this run's start, yet not this run's (a clock set back): the next run looks
            }
        } catch (CfsException e) {
            cannotForget(e);
        }
    }

    /** Forgets one snapshot; when that fails, clears stale locks and tries once more. Null when gone, else why not. */
    private String forgetHard(String id) {
        awaitSide(); // the config snapshot's lock beside would make this forget fail
        try {
            restic.forget(List.of(id));
            return null;
        } catch (CfsException first) {
            try {
                restic.unlock();
            } catch (CfsException e) {
                // the retry below says what is wrong
            }
            try {
                restic.forget(List.of(id));
                return null;
            } catch (CfsException second) {
                return second.getMessage();
            }
        }
    }

    /**
     * An emptied source (a mount gone, a volume wiped) must not back up as {@code ok}: a snapshot
     * less than half of the source's previous one (the prune guard's threshold, {@link ShrinkGuard})
     * makes the source {@code partial} now, not only at the next prune. The previous size is the
     * run history's last snapshot of the source; with none there is nothing to compare.
     */
    static SourceResult shrinkCheck(SourceResult r, List<RunRecord> past) {
        if (r.dryRun() || r.snapshotId() == null || "failed".equals(r.status()) || "interrupted".equals(r.status())) {
            return r;
        }
        for (int i = past.size() - 1; i >= 0; i--) {
            RunRecord p = past.get(i);
            if (!"backup".equals(p.job()) || !r.source().equals(p.source()) || p.snapshotId() == null
                    || p.figures() == null || !(p.figures().get("bytes_processed") instanceof Number prev)) {
                continue;
            }
            if (ShrinkGuard.trips(r.bytesProcessed(), prev.longValue())) {
                return r.asShrunk("the snapshot " + r.snapshotId() + " holds " + Size.human(r.bytesProcessed())
                        + ", less than half of the previous one " + p.snapshotId() + " (" + Size.human(prev.longValue())
                        + "): is the source emptied (a mount gone, a volume wiped)? The prune guard will hold its"
                        + " older snapshots until this is checked");
            }
            return r;
        }
        return r;
    }

    private static Map<String, Object> figures(SourceResult r) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("duration_s", r.durationS());
        f.put("downtime_s", r.downtimeS());
        f.put("data_added", r.dataAdded());
        f.put("files_new", r.filesNew());
        f.put("files_changed", r.filesChanged());
        f.put("bytes_processed", r.bytesProcessed());
        // issue 14: the stop's time-out and kills (status shows them), the first pass's share
        if (r.stopTimeoutS() != null) {
            f.put("stop_timeout_s", r.stopTimeoutS());
        }
        if (!r.stopKilled().isEmpty()) {
            f.put("stop_killed", r.stopKilled());
        }
        if (r.passes() != null && !r.passes().isEmpty()) {
            f.put("pass1_data_added", r.passes().get(0).dataAdded());
        }
        if (r.shrunk() != null) {
            f.put("shrunk", true);
        }
        return f;
    }

    /** The look for crash leftovers failed (listing or forgetting): the run leaves no tidy marker. */
    private boolean leftoversRemain;

    /** Seconds the current source's containers were down when it failed with an exception (else 0). */
    private double failedDowntime;
    /** What the current source's result keeps when it failed with an exception: its stop, its first pass. */
    private java.util.function.UnaryOperator<SourceResult> failedDecoration = r -> r;

    private SourceResult backupSource(SourceConfig s, boolean dryRun) {
        long t0 = System.nanoTime();
        failedDowntime = 0;
        failedDecoration = r -> r;
        Map<String, String> hookEnv = new LinkedHashMap<>();
        hookEnv.put("CFS_BACKUP_SOURCE", s.name());
        SourceResult result;
        String beforeError = dryRun ? null : hooks.run("before", s.before(), hookEnv);
        if (beforeError != null) {
            result = SourceResult.failed(s.name(), seconds(t0), 0, beforeError);
        } else {
            try {
                result = switch (s.kind()) {
                    case PATHS -> backupPaths(s, dryRun, t0);
                    case VOLUME -> backupVolume(s, dryRun, t0);
                    case COMMAND -> backupCommand(s, dryRun, t0);
                };
            } catch (ResticException e) {
                String status = e.error() == ResticError.INTERRUPTED || cancellation.isCancelled() ? "interrupted" : "failed";
                result = failedDecoration.apply(new SourceResult(s.name(), status, null, seconds(t0), failedDowntime,
                        e.getMessage(), 0, 0, 0, 0, dryRun));
            } catch (CancelledException e) {
                result = failedDecoration.apply(new SourceResult(s.name(), "interrupted", null, seconds(t0),
                        failedDowntime, "interrupted", 0, 0, 0, 0, dryRun));
            } catch (CfsException e) {
                result = failedDecoration.apply(SourceResult.failed(s.name(), seconds(t0), failedDowntime, e.getMessage()));
            } finally {
                progress.done(s.name());
            }
        }
        if (!dryRun && s.after() != null) {
            hookEnv.put("CFS_BACKUP_STATUS", result.status());
            String afterError = hooks.run("after", s.after(), hookEnv);
            if (afterError != null) {
                log.accept(s.name() + ": " + afterError);
            }
        }
        return result;
    }

    private BackupRequest request(SourceConfig s, List<String> paths, String stdinName, String parent, boolean dryRun,
                                  boolean pass1) {
        List<String> tags = pass1 ? List.of(s.name(), PASS1_TAG) : List.of(s.name());
        return new BackupRequest(config.host(), tags, paths, s.excludes(), stdinName, parent, dryRun);
    }

    /** Refuses a folder whose in-place restore is unfinished: a snapshot of a mixed tree must never be taken. */
    private void requireNoUnfinishedRestore(SourceConfig s, String path) {
        if (new org.cfs.backup.restore.TreeSwap(config.stateDir(), log).unfinished(Path.of(path))) {
            throw CfsException.failed("an in-place restore of " + path + " is unfinished (its marker "
                    + "restore-swap-*.json is in " + config.stateDir() + "): not backed up until it is finished"
                    + " or rolled back (any cfs-backup command does that once the restore's process has ended)");
        }
    }

    private SourceResult backupPaths(SourceConfig s, boolean dryRun, long t0) {
        for (String p : s.allPaths()) {
            requireNoUnfinishedRestore(s, p);
            if (!Files.exists(Path.of(p))) {
                throw CfsException.failed("path " + p + " does not exist");
            }
        }
        Restic.BackupOutcome o = watched(s, request(s, s.allPaths(), null, null, dryRun, false), null);
        return fromOutcome(s, o, seconds(t0), 0, dryRun);
    }

    private SourceResult backupVolume(SourceConfig s, boolean dryRun, long t0) {
        Docker.Volume vol = docker.volume(s.volume());
        requireNoUnfinishedRestore(s, vol.mountpoint());
        List<String> paths = List.of(vol.mountpoint());
        Consistency c = s.consistencyOrLive();
        Integer stopTimeout = c == Consistency.STOP ? s.stopTimeoutSeconds() : null;
        List<Docker.Container> toQuiesce = c == Consistency.LIVE ? List.of()
                : docker.containersUsing(s.volume()).stream().filter(Docker.Container::running).toList();
        if (toQuiesce.isEmpty() || dryRun) {
            Restic.BackupOutcome o = watched(s, request(s, paths, null, null, dryRun, false), null);
            return fromOutcome(s, o, seconds(t0), 0, dryRun).withStop(stopTimeout, List.of());
        }
        // pass 1 while the containers run: it carries the bulk of the new data
        Restic.BackupOutcome pass1 = watched(s, request(s, paths, null, null, false, true), null);
        String pass1Id = pass1.summary().snapshotId();
        cancellation.check();
        awaitSide(); // nothing of this run's own beside the quiesced pass: its CPU would lengthen the downtime
        Quiesce q = Quiesce.prepare(docker, journal, cancellation, toQuiesce,
                c == Consistency.STOP ? Quiesce.Action.STOP : Quiesce.Action.PAUSE, s.volume(), "backup",
                s.stopTimeoutSeconds(), line -> log.accept(s.name() + ": " + line));
        Restic.BackupOutcome pass2 = null;
        RuntimeException failure = null;
        // a remote that dies in pass 2 must not keep the containers down: resume first, then fail
        RemoteWatch watch = new RemoteWatch(s.name(), progress, pass2RemoteLimitSeconds(), () -> {
            log.accept(s.name() + ": the remote has not answered for " + pass2RemoteLimitSeconds()
                    + " s during the quiesced pass: resuming the containers and abandoning the pass");
            q.resume();
        });
        try {
            q.start();
            pass2 = restic.backup(request(s, paths, null, pass1Id, false, false),
                    progressOf(s), null, watch);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            watch.close();
        }
        if (watch.fired()) {
            failure = CfsException.failed("the remote did not answer during the quiesced pass (restic retried for "
                    + watch.firedSeconds() + " s): the containers were resumed after " + Math.round(q.downtimeSeconds())
                    + " s and the pass abandoned (no snapshot of the quiesced state this run)"
                    + (watch.lastLine() == null ? "" : " (restic: " + watch.lastLine().strip() + ")"));
            pass2 = null;
        }
        q.close();
        double downtime = q.downtimeSeconds();
        List<String> killed = q.killed();
        // a cancelled run cannot forget now (restic is interrupted at once): the next backup does
        String pass1Warning = cancellation.isCancelled() ? null : forgetPass1(s, pass1Id);
        SourceResult.Pass first = pass(1, pass1);
        String resumeError = q.resumeError();
        if (resumeError != null) {
            // a container left stopped is a failed source, whatever the snapshot: name it
            String names = q.names();
            String msg = "container " + names + " could not be " + (c == Consistency.STOP ? "started" : "unpaused")
                    + " again after the backup (" + resumeError + "); it is left "
                    + (c == Consistency.STOP ? "stopped" : "paused")
                    + " and the quiesce journal keeps it: the next cfs-backup command retries";
            if (failure != null) {
                msg = failure.getMessage() + "; " + msg;
            }
            var sum = pass2 == null ? null : pass2.summary();
            return new SourceResult(s.name(), "failed", sum == null ? null : sum.snapshotId(), seconds(t0), downtime,
                    msg, sum == null ? 0 : sum.filesNew(), sum == null ? 0 : sum.filesChanged(),
                    sum == null ? 0 : sum.dataAdded(), sum == null ? 0 : sum.totalBytesProcessed(), false)
                    .withWarning(pass1Warning).withStop(stopTimeout, killed)
                    .withPasses(first, sum == null ? null : pass(2, pass2));
        }
        if (failure != null) {
            // the source failed after its containers were down: the result keeps the real downtime,
            // the stop's figures and what pass 1 uploaded
            failedDowntime = downtime;
            failedDecoration = r -> r.withStop(stopTimeout, killed).withPasses(first, null);
            throw failure;
        }
        return fromOutcome(s, pass2, seconds(t0), downtime, false).withWarning(pass1Warning)
                .withStop(stopTimeout, killed).withPasses(first, pass(2, pass2));
    }

    private static SourceResult.Pass pass(int n, Restic.BackupOutcome o) {
        var sum = o == null ? null : o.summary();
        return sum == null ? new SourceResult.Pass(n, null, 0, 0, 0, 0)
                : new SourceResult.Pass(n, sum.snapshotId(), sum.filesNew(), sum.filesChanged(), sum.dataAdded(),
                        sum.totalBytesProcessed());
    }

    /** Forgets a first-pass snapshot; returns the warning for the result when it stays (the next backup retries). */
    private String forgetPass1(SourceConfig s, String id) {
        String why = forgetHard(id);
        if (why == null) {
            return null;
        }
        String w = "could not forget first-pass snapshot " + id + " (tagged " + PASS1_TAG + "; the next backup"
                + " retries): " + why;
        log.accept(s.name() + ": " + w);
        return w;
    }

    private SourceResult backupCommand(SourceConfig s, boolean dryRun, long t0) {
        AtomicReference<Restic.BackupOutcome> outcome = new AtomicReference<>();
        AtomicReference<RuntimeException> resticError = new AtomicReference<>();
        BackupRequest req = request(s, List.of(), s.stdinFilenameOrDefault(), null, dryRun, false);
        ProcessResult dump = runner.run(ProcessSpec.of(s.command()).stdoutStream(in -> {
            try {
                outcome.set(watched(s, req, in));
            } catch (RuntimeException e) {
                resticError.set(e);
            }
        }).build());
        Restic.BackupOutcome o = outcome.get();
        if (!dump.ok()) {
            // restic cannot see the dump's exit status: a failed dump must not stay as a good snapshot
            String snapshot = o == null || o.summary() == null ? null : o.summary().snapshotId();
            String fate = "";
            if (snapshot != null && !dryRun) {
                fate = removeFailedDump(s, snapshot);
            }
            if (dump.cancelled() || cancellation.isCancelled()) {
                throw new CancelledException();
            }
            throw CfsException.failed("dump command " + s.command().get(0) + " exited " + dump.exitCode()
                    + fate + dump.stderrSuffix());
        }
        if (resticError.get() != null) {
            throw resticError.get();
        }
        if (o == null) {
            throw CfsException.failed("restic backup --stdin produced no result");
        }
        return fromOutcome(s, o, seconds(t0), 0, dryRun);
    }

    /**
     * A failed dump's snapshot must never count as a good one: forgotten (stale locks cleared, one
     * retry), else tagged {@value #FAILED_TAG}, else noted for the next backup; the text says which.
     */
    private String removeFailedDump(SourceConfig s, String snapshot) {
        String why = forgetHard(snapshot);
        if (why == null) {
            return "; its snapshot " + snapshot + " was removed";
        }
        log.accept(s.name() + ": could not forget the failed dump's snapshot " + snapshot + ": " + why);
        try {
            restic.addTag(List.of(snapshot), FAILED_TAG);
            return "; its snapshot " + snapshot + " could not be removed (" + why + ") and is tagged " + FAILED_TAG
                    + ": no restore, drill or prune takes it, the next backup removes it";
        } catch (CfsException e) {
            new FailedSnapshots(config.stateDir()).add(snapshot);
            return "; its snapshot " + snapshot + " (a truncated dump) could NOT be removed nor tagged (" + why
                    + "): do not restore it; the next backup removes it (or run 'restic forget " + snapshot + "')";
        }
    }

    private SourceResult fromOutcome(SourceConfig s, Restic.BackupOutcome o, double duration, double downtime,
                                     boolean dryRun) {
        var sum = o.summary();
        String status = o.exitCode() == 3 ? "partial" : "ok";
        String error = null;
        if (cancellation.isCancelled() && sum != null && !dryRun) {
            // restic had saved its snapshot when the cancel came: what really happened is recorded
            return new SourceResult(s.name(), "interrupted", sum.snapshotId(), duration, downtime,
                    "interrupted after restic saved snapshot " + sum.snapshotId(), sum.filesNew(), sum.filesChanged(),
                    sum.dataAdded(), sum.totalBytesProcessed(), false);
        }
        if (o.exitCode() == 3) {
            error = "some files could not be read (" + o.errors().size() + ")"
                    + (o.errors().isEmpty() ? "" : ": " + o.errors().get(0).describe());
        }
        if (sum == null) {
            return new SourceResult(s.name(), status, null, duration, downtime, error, 0, 0, 0, 0, dryRun);
        }
        return new SourceResult(s.name(), status, dryRun ? null : sum.snapshotId(), duration, downtime, error,
                sum.filesNew(), sum.filesChanged(), sum.dataAdded(), sum.totalBytesProcessed(), dryRun);
    }

    /** A backup whose dead remote is reported every 10 s on a terminal ("remote not answering, retrying"). */
    private Restic.BackupOutcome watched(SourceConfig s, BackupRequest req, java.io.InputStream stdin) {
        if (progress == ProgressListener.NONE) {
            return restic.backup(req, progressOf(s), stdin);
        }
        try (RemoteWatch w = new RemoteWatch(s.name(), progress, 0, () -> { })) {
            return restic.backup(req, progressOf(s), stdin, w);
        }
    }

    private Consumer<BackupStatus> progressOf(SourceConfig s) {
        return progress == ProgressListener.NONE ? null : st -> progress.progress(s.name(), st);
    }

    /**
     * How long restic may retry a dead remote while the containers are down before they are resumed
     * and the quiesced pass abandoned; {@code CFS_BACKUP_PASS2_REMOTE_LIMIT_S} overrides the 20 s.
     */
    static long pass2RemoteLimitSeconds() {
        String v = System.getenv("CFS_BACKUP_PASS2_REMOTE_LIMIT_S");
        try {
            return v == null || v.isBlank() ? 20 : Math.max(1, Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
            return 20;
        }
    }

    private static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
    }
}
