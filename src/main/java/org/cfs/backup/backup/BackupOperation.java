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
        // the history (the shrink check's previous sizes) is read beside the first source's restic start:
        // its JSON parsing cost a re-run about 35 ms before its first child (issue 13); nothing of this
        // run is appended before the first source's check
        Beside<List<RunRecord>> past = dryRun ? Beside.done(List.of()) : Beside.start("history", history::all);
        for (SourceConfig s : sources) {
            if (cancellation.isCancelled()) {
                interrupted = true;
                break;
            }
            Instant t0 = Instant.now();
            SourceResult r = shrinkCheck(backupSource(s, dryRun), past.join());
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
        return withStaleLocksCleared(() -> restic.forget(List.of(id)));
    }

    /**
     * Runs an exclusive-lock restic command; when it fails, clears stale locks (a crashed run's, which
     * make every exclusive command fail in restic 0.14) and tries once more. Null on success, else why.
     */
    private String withStaleLocksCleared(Runnable exclusive) {
        try {
            exclusive.run();
            return null;
        } catch (CfsException first) {
            try {
                restic.unlock();
            } catch (CfsException e) {
                // the retry below says what is wrong
            }
            try {
                exclusive.run();
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
            if (r.passes().size() == 2 && r.passes().get(1).skipped() != null) {
                f.put("pass2_skipped", true);
            }
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
        // a stat census before pass 1: if the stopped volume's census is the same, pass 1 already is its state
        // (only where the repository can be listed without restic: keeping pass 1 needs that listing)
        List<Path> roots = paths.stream().map(Path::of).toList();
        StatCensus.Print census = RepositoryFiles.listable(restic.settings().repository())
                ? StatCensus.take(roots, CENSUS_BUDGET_S) : null;
        // pass 1 while the containers run: it carries the bulk of the new data
        Restic.BackupOutcome pass1 = watched(s, request(s, paths, null, null, false, true), null);
        String pass1Id = pass1.summary().snapshotId();
        cancellation.check();
        awaitSide(); // nothing of this run's own beside the quiesced pass: its CPU would lengthen the downtime
        RepositoryFiles.Census files = provable(census, pass1) ? adoptable(pass1Id) : null;
        flushBeforeStop(vol.mountpoint());
        Quiesced once = quiesced(s, paths, roots, pass1Id, toQuiesce, c, files == null ? null : census);
        double downtime = once.q().downtimeSeconds();
        List<String> killed = new ArrayList<>(once.q().killed());
        Quiesced last = once;
        Adopted adopted = null;
        if (once.unchanged()) {
            if (cancellation.isCancelled()) {
                failedDowntime = downtime; // pass 1 keeps its tag: the next backup forgets it
                throw new CancelledException();
            }
            // kept even when a container could not be started again: pass 1 is the stopped state
            adopted = adoptPass1(s, pass1Id, files);
            if (adopted == null && once.q().resumeError() == null) {
                log.accept(s.name() + ": stopping the containers again for the quiesced pass");
                last = quiesced(s, paths, roots, pass1Id, toQuiesce, c, null);
                downtime += last.q().downtimeSeconds();
                killed.addAll(last.q().killed());
            }
        }
        Quiesce q = last.q();
        Restic.BackupOutcome pass2 = last.pass2();
        RuntimeException failure = last.failure();
        SourceResult.Pass first = pass(1, pass1);
        if (adopted != null) {
            // pass 1 is the snapshot: restic wrote it anew without its tag, the old one is gone
            SourceResult.Pass none = new SourceResult.Pass(2, null, 0, 0, 0, 0, PASS2_SKIPPED);
            SourceResult kept = fromOutcome(s, pass1, seconds(t0), downtime, false).withSnapshotId(adopted.id())
                    .withWarning(adopted.warning()).withStop(stopTimeout, killed).withPasses(first, none);
            return q.resumeError() == null ? kept : kept.asFailed(resumeFailure(q, c, null));
        }
        // a cancelled run cannot forget now (restic is interrupted at once): the next backup does
        String pass1Warning = cancellation.isCancelled() ? null : forgetPass1(s, pass1Id);
        if (q.resumeError() != null) {
            String msg = resumeFailure(q, c, failure);
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

    /** A container left stopped (or paused) is a failed source, whatever the snapshot: the error names it. */
    private static String resumeFailure(Quiesce q, Consistency c, RuntimeException failure) {
        String msg = "container " + q.names() + " could not be " + (c == Consistency.STOP ? "started" : "unpaused")
                + " again after the backup (" + q.resumeError() + "); it is left "
                + (c == Consistency.STOP ? "stopped" : "paused")
                + " and the quiesce journal keeps it: the next cfs-backup command retries";
        return failure == null ? msg : failure.getMessage() + "; " + msg;
    }

    /**
     * Flushes the volume's filesystem before its containers stop ({@code sync -f}): the stop's own
     * fsyncs (Docker's state files, an app's flush on SIGTERM) otherwise queue behind what pass 1
     * and the apps left dirty in the page cache (with 1 GiB dirty, a {@code docker stop} took 0.70 s
     * here instead of 0.13 s). Not downtime; bounded, and never fatal: the stop happens either way.
     */
    private void flushBeforeStop(String mountpoint) {
        try {
            runner.run(ProcessSpec.of("sync", "-f", mountpoint).timeout(java.time.Duration.ofSeconds(30)).build());
        } catch (CfsException e) {
            log.accept("could not flush the volume's filesystem before the stop: " + e.getMessage());
        }
    }

    /** Why a two-pass source's second pass did not run (its {@link SourceResult.Pass#skipped}). */
    static final String PASS2_SKIPPED = "unchanged since pass 1 (stat census of the stopped volume)";
    /** The longest census walk worth making: the second one is part of the downtime. */
    static final double CENSUS_BUDGET_S = 2.0;

    /** One stop (or pause) of the containers and what happened during it. */
    private record Quiesced(Quiesce q, Restic.BackupOutcome pass2, RuntimeException failure, boolean unchanged) {
    }

    /** Pass 1 kept as the source's snapshot under its new id; {@code warning} when that id could not be read. */
    private record Adopted(String id, String warning) {
    }

    /**
     * The containers stopped (or paused) once: with {@code census}, a second census first, and when
     * it is the same the containers resume at once ({@code unchanged}); else the quiesced pass, as
     * pass 1's child. A dying remote resumes the containers (the pass is abandoned).
     */
    private Quiesced quiesced(SourceConfig s, List<String> paths, List<Path> roots, String pass1Id,
                              List<Docker.Container> toQuiesce, Consistency c, StatCensus.Print census) {
        Quiesce q = Quiesce.prepare(docker, journal, cancellation, toQuiesce,
                c == Consistency.STOP ? Quiesce.Action.STOP : Quiesce.Action.PAUSE, s.volume(), "backup",
                s.stopTimeoutSeconds(), line -> log.accept(s.name() + ": " + line));
        Restic.BackupOutcome pass2 = null;
        RuntimeException failure = null;
        boolean unchanged = false;
        // a remote that dies in pass 2 must not keep the containers down: resume first, then fail
        RemoteWatch watch = new RemoteWatch(s.name(), progress, pass2RemoteLimitSeconds(), () -> {
            log.accept(s.name() + ": the remote has not answered for " + pass2RemoteLimitSeconds()
                    + " s during the quiesced pass: resuming the containers and abandoning the pass");
            q.resume();
        });
        try {
            q.start();
            unchanged = census != null && census.sameAs(StatCensus.take(roots, CENSUS_BUDGET_S));
            if (unchanged) {
                q.resume();
            } else {
                pass2 = restic.backup(request(s, paths, null, pass1Id, false, false), progressOf(s), null, watch);
            }
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
        return new Quiesced(q, pass2, failure, unchanged);
    }

    /**
     * True when a census can stand in for the quiesced pass: it was taken (a trusted filesystem, a
     * short walk), nothing in the volume changed for the quiet margin before it, and pass 1 read
     * every file (a partial pass 1 is no proof).
     */
    private static boolean provable(StatCensus.Print census, Restic.BackupOutcome pass1) {
        return census != null && pass1.exitCode() == 0 && census.quietFor(StatCensus.quietMarginSeconds());
    }

    /**
     * The repository's files when pass 1 can be kept: listed without restic, no lock in it (the tag
     * takes an exclusive lock, which any other restic would make fail), pass 1's snapshot among them.
     * Null otherwise: then the quiesced pass runs, as always.
     */
    private RepositoryFiles.Census adoptable(String pass1Id) {
        try {
            RepositoryFiles.Census files = new RepositoryFiles(restic).census();
            boolean ok = files != null && files.locks() == 0
                    && files.snapshotIds().stream().anyMatch(id -> id.startsWith(pass1Id));
            return ok ? files : null;
        } catch (CfsException e) {
            return null;
        }
    }

    /**
     * Keeps pass 1 as the source's snapshot: {@code restic tag --remove cfs-pass1} (restic writes it
     * anew and removes the old one), stale locks cleared and one retry when it fails. Null when the tag
     * could not be removed (said in the log): then the containers are stopped again for the quiesced
     * pass. A kill at any point leaves either pass 1 with its tag (forgotten by the next backup) or
     * the rewritten snapshot, a good one.
     */
    private Adopted adoptPass1(SourceConfig s, String pass1Id, RepositoryFiles.Census before) {
        String why = withStaleLocksCleared(() -> restic.removeTag(List.of(pass1Id), PASS1_TAG));
        if (why != null) {
            log.accept(s.name() + ": the stopped volume was unchanged since pass 1, but its tag " + PASS1_TAG
                    + " could not be removed from snapshot " + pass1Id + ": " + why);
            return null;
        }
        try {
            String id = rewrittenId(s, pass1Id, before);
            if (id != null) {
                return new Adopted(id, null);
            }
        } catch (CfsException e) {
            // said below
        }
        String w = "first-pass snapshot " + pass1Id + " is the source's snapshot (unchanged once stopped) under a new"
                + " id that could not be read back: 'cfs-backup snapshots " + s.name() + "' names it";
        log.accept(s.name() + ": " + w);
        return new Adopted(null, w);
    }

    /**
     * The id restic gave pass 1 when it removed the tag: the one new snapshot file since the listing
     * before (no restic start), else (another writer beside, or no listing) the snapshot whose
     * {@code original} is pass 1.
     */
    private String rewrittenId(SourceConfig s, String pass1Id, RepositoryFiles.Census before) {
        RepositoryFiles.Census after = new RepositoryFiles(restic).census();
        if (after != null) {
            List<String> added = after.snapshotIds().stream().filter(id -> !before.snapshotIds().contains(id)).toList();
            boolean oldGone = after.snapshotIds().stream().noneMatch(id -> id.startsWith(pass1Id));
            if (added.size() == 1 && oldGone) {
                return shortId(added.get(0));
            }
        }
        for (Snapshot sn : restic.snapshotsNoLock(config.host(), List.of(s.name()))) {
            if (sn.original() != null && sn.original().startsWith(pass1Id)) {
                return shortId(sn.id());
            }
        }
        return null;
    }

    private static String shortId(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
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
