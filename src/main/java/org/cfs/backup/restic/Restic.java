package org.cfs.backup.restic;

import java.io.InputStream;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.process.ProcessSpec;

/**
 * Runs restic: each call takes its argument list from {@link ResticArgs} (pure, golden-tested),
 * runs it on the {@link ProcessRunner} (which no caller outside this package gets from here), and
 * reads the output with {@link ResticOutput} / {@link BackupParser}. Failures are classified into
 * {@link ResticException}s; a lock left by an orphaned restic is waited for once.
 */
public final class Restic {
    static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final ResticSettings settings;
    private final ProcessRunner runner;
    private final ResticArgs args;
    private ResticVersion version;

    public Restic(ResticSettings settings, ProcessRunner runner) {
        this.settings = settings;
        this.runner = runner;
        this.args = new ResticArgs(settings, this::version);
    }

    /** The argument lists of every call (nothing runs there). */
    public ResticArgs args() {
        return args;
    }

    public ResticSettings settings() {
        return settings;
    }

    /** Detected once per instance (one instance per cfs-backup run). */
    public synchronized ResticVersion version() {
        if (version == null) {
            ProcessResult r = runner.run(ProcessSpec.of(args.versionArgs()).build());
            if (!r.ok()) {
                throw new CfsException(ExitCode.FAILED, "cannot run '" + settings.binary() + " version' (exit "
                        + r.exitCode() + "): is restic installed?");
            }
            version = ResticVersion.parse(r.stdout());
        }
        return version;
    }

    private ProcessSpec.Builder spec(List<String> argv) {
        return args.spec(argv);
    }

    // ---- running ----

    /** Runs a restic command and throws a classified {@link ResticException} when it fails. */
    public ProcessResult runChecked(String action, ProcessSpec spec) {
        ProcessResult r = keptStdout(spec, runner.run(spec));
        if (!r.ok() && waitedForOrphan(r)) {
            if (spec.stdoutLines() instanceof StatusSplitter sp) {
                sp.reset();
            }
            r = keptStdout(spec, runner.run(spec));
        }
        if (!r.ok()) {
            throw failure(action, r);
        }
        return r;
    }

    private static final java.util.regex.Pattern LOCK_HOLDER =
            java.util.regex.Pattern.compile("already locked (?:exclusively )?by PID (\\d+) on (\\S+) ");

    /** How long a command waits for a restic that a killed cfs-backup left finishing (it got SIGINT). */
    static long orphanWaitMillis = 15_000;

    /**
     * A restic of a cfs-backup that was just killed gets SIGINT (the death signal) and may hold its
     * lock for a moment while it cleans up: when the lock's holder is such an orphan on this host,
     * say so, wait for it (bounded), and let the caller retry once.
     */
    boolean waitedForOrphan(ProcessResult r) {
        java.util.regex.Matcher m = LOCK_HOLDER.matcher(r.stderrTail());
        if (!m.find() || !m.group(2).equals(hostName())) {
            return false;
        }
        long pid = Long.parseLong(m.group(1));
        java.util.Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (pid == ProcessHandle.current().pid()) {
            return false;
        }
        if (h.isEmpty() || !h.get().isAlive()) {
            // the holder, of this host, is dead: its lock is stale (a restic killed mid-forget leaves
            // one even after SIGINT); `restic unlock` removes only such locks, then once more
            runner.run(spec(args.unlockArgs()).build());
            return true;
        }
        // a parent that is a JVM is a live cfs-backup (its lock is a real one); unknown: not ours to wait for
        boolean orphan = h.get().parent().map(p -> p.pid() == 1
                || !p.info().command().orElse("java").contains("java")).orElse(true);
        if (!orphan) {
            return false;
        }
        System.err.println("cfs-backup: waiting up to " + orphanWaitMillis / 1000 + " s for restic pid " + m.group(1)
                + " (left by a killed cfs-backup) to release its repository lock");
        try {
            h.get().onExit().get(orphanWaitMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String hostName() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    public ResticException failure(String action, ProcessResult r) {
        ResticError kind = r.cancelled() ? ResticError.INTERRUPTED : ResticError.classify(r.exitCode(), r.stderrTail());
        return new ResticException(action, kind, r.exitCode(), r.stderrTail());
    }

    /** True when the repository exists and the password opens it; false when there is none. */
    public boolean repositoryExists() {
        ProcessResult r = runner.run(spec(args.catConfigArgs()).build());
        if (r.ok()) {
            return true;
        }
        ResticException e = failure("opening the repository", r);
        if (e.error() == ResticError.NO_REPOSITORY) {
            return false;
        }
        throw e;
    }

    public void init() {
        runChecked("restic init", spec(args.initArgs()).build());
    }

    /** The outcome of one backup run: restic's exit code (0, or 3 when files were unreadable) and its summary. */
    public record BackupOutcome(BackupSummary summary, int exitCode, List<BackupError> errors) {
    }

    /**
     * Runs {@code restic backup --json}, reporting status lines as they come.
     *
     * @param progress receives status lines; null when nobody watches (fewer are then printed)
     * @param stdin the stream to back up for a stdin backup, else null
     */
    public BackupOutcome backup(BackupRequest req, Consumer<BackupStatus> progress, InputStream stdin) {
        return backup(req, progress, stdin, null);
    }

    /** Watches a running backup: its process, and its stderr lines (restic's retries on a dead remote). */
    public interface BackupWatch {
        void started(Process restic);

        void stderrLine(String line);
    }

    /** As {@link #backup(BackupRequest, Consumer, InputStream)}, with a watch (null for none). */
    public BackupOutcome backup(BackupRequest req, Consumer<BackupStatus> progress, InputStream stdin, BackupWatch watch) {
        BackupParser parser = new BackupParser(progress);
        ProcessSpec.Builder b = spec(args.backupArgs(req))
                .stdoutLines(parser::stdoutLine)
                .stderrLines(watch == null ? parser::stderrLine : l -> {
                    parser.stderrLine(l);
                    watch.stderrLine(l);
                })
                .captureStdout(false);
        if (watch != null) {
            b.onStart(watch::started);
        }
        if (stdin != null) {
            b.stdin(stdin);
        }
        if (progress == null) {
            // nobody watches: spare restic and us dozens of status lines a second
            b.env("RESTIC_PROGRESS_FPS", "0.1");
        }
        ProcessResult r = runner.run(b.build());
        // issue 14: a cancel that came after restic saved its snapshot (exit 0/3 with a summary) is no
        // lost run: the outcome is returned and the caller, seeing the cancel, records the snapshot
        boolean saved = (r.exitCode() == 0 || r.exitCode() == 3) && parser.summary() != null;
        if (r.cancelled() && !saved || r.exitCode() == 130) {
            throw new ResticException("restic backup", ResticError.INTERRUPTED, r.exitCode(), "");
        }
        if ((r.exitCode() == 0 || r.exitCode() == 3) && parser.summary() != null) {
            return new BackupOutcome(parser.summary(), r.exitCode(), parser.errors());
        }
        if (r.exitCode() == 0 && req.dryRun()) {
            return new BackupOutcome(parser.summary(), 0, parser.errors());
        }
        throw failure("restic backup", r);
    }

    public List<Snapshot> snapshots(String host, List<String> tags) {
        ProcessResult r = runChecked("restic snapshots", spec(args.snapshotsArgs(host, tags)).build());
        return parseSnapshots(r.stdout());
    }

    public static List<Snapshot> parseSnapshots(String json) {
        return ResticOutput.parseSnapshots(json);
    }

    /** Removes snapshots by id, without pruning (the data is shared; prune runs on its schedule). */
    public void forget(List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        runChecked("restic forget", spec(args.forgetIdsArgs(ids)).build());
    }

    /** {@code restic tag --add TAG ID...} (an exclusive lock, as forget). */
    public void addTag(List<String> ids, String tag) {
        tag(ids, args.addTagArgs(ids, tag));
    }

    /** {@code restic tag --remove TAG ID...} (an exclusive lock; each snapshot gets a new id). */
    public void removeTag(List<String> ids, String tag) {
        tag(ids, args.removeTagArgs(ids, tag));
    }

    private void tag(List<String> ids, List<String> argv) {
        if (!ids.isEmpty()) {
            runChecked("restic tag", spec(argv).build());
        }
    }

    // ---- daemon, status and prune (retention) ----

    /** Snapshots without taking a repository lock, so that status and freshness never block a prune or check. */
    public List<Snapshot> snapshotsNoLock(String host, List<String> tags) {
        return parseSnapshots(runChecked("restic snapshots", spec(args.snapshotsNoLockArgs(host, tags)).build()).stdout());
    }

    /** Removes stale locks only (those of dead processes on this host, or older than 30 min). */
    public void unlock() {
        runChecked("restic unlock", spec(args.unlockArgs()).build());
    }

    /**
     * {@code restic unlock} that runs even after a cancel, with a time limit: the daemon's last
     * clean-up after an interrupted job, for a restic that was sent SIGINT before it could register
     * the lock it had just written.
     */
    public void unlockAfterCancel() {
        runChecked("restic unlock", spec(args.unlockArgs()).survivesCancel()
                .timeout(java.time.Duration.ofSeconds(20)).build());
    }

    /**
     * The ids of every lock in the repository, stale ones included ({@code restic list locks
     * --no-lock}): a fleet's prune or check waits while another host's backup holds one.
     */
    public List<String> locks() {
        return ResticOutput.parseLockIds(runChecked("restic list locks", spec(args.listLocksArgs()).build()).stdout());
    }

    /** One lock's JSON ({@code cat lock ID --no-lock}); null when it is gone (its holder finished meanwhile). */
    public String catLock(String lockId) {
        ProcessResult r = runner.run(spec(args.catLockArgs(lockId)).build());
        return r.ok() ? r.stdout() : null;
    }

    /** {@code restic unlock --remove-all}: for locks known to be dead other ways than restic's own (a fleet's node table). */
    public void unlockRemoveAll() {
        runChecked("restic unlock --remove-all", spec(args.unlockRemoveAllArgs()).build());
    }

    /**
     * Runs another program with restic's environment (the repository's rclone config and
     * credentials): {@code rclone deletefile} of one stale lock of an rclone repository.
     */
    public ProcessResult runBeside(List<String> argv) {
        return runner.run(spec(argv).build());
    }

    /** {@code restic stats --json --mode restore-size ID}: the size a restore of this snapshot would write. */
    public long restoreSize(String snapshotId) {
        return ResticOutput.parseRestoreSize(runChecked("restic stats", spec(args.restoreSizeArgs(snapshotId)).build())
                .stdout());
    }

    /**
     * Runs {@code forget --json} without {@code --prune}; returns the JSON document (the first line:
     * restic 0.14 may append plain text after it).
     */
    public String forgetPolicy(String host, String tag, List<String> policy, boolean dryRun) {
        return ResticOutput.firstJsonLine(runChecked("restic forget", spec(args.forgetArgs(host, tag, policy, dryRun)).build())
                .stdout());
    }

    /** {@code restic prune}; returns its plain-text report (0.14 has no JSON for prune). */
    public String prune(boolean dryRun) {
        return prune(dryRun, null);
    }

    /**
     * As {@link #prune(boolean)}, telling the listener restic's own status lines ("8 / 8 packs
     * processed", asked for with {@link ResticArgs#PROGRESS_FPS}); they are left out of the report.
     */
    public String prune(boolean dryRun, ResticProgress.Listener progress) {
        return runChecked("restic prune", withStatusLines(spec(args.pruneArgs(dryRun)), progress).build()).stdout();
    }

    /**
     * With a listener: restic prints its counters even to a pipe, each status line goes to the
     * listener and not into the captured stdout (whose text the caller parses as before).
     */
    private static ProcessSpec.Builder withStatusLines(ProcessSpec.Builder b, ResticProgress.Listener progress) {
        if (progress == null) {
            return b;
        }
        return b.env(ResticArgs.PROGRESS_FPS, "2").stdoutLines(new StatusSplitter(progress)).captureStdout(false);
    }

    /** Sends status lines to the listener and keeps the others, as the captured stdout would have them. */
    private static final class StatusSplitter implements Consumer<String> {
        private final ResticProgress.Listener progress;
        private final StringBuilder kept = new StringBuilder();

        StatusSplitter(ResticProgress.Listener progress) {
            this.progress = progress;
        }

        @Override
        public synchronized void accept(String line) {
            ResticProgress p = ResticOutput.parseStatusLine(line);
            if (p != null) {
                progress.progress(p);
            } else {
                kept.append(line).append('\n');
            }
        }

        synchronized void reset() {
            kept.setLength(0);
        }

        synchronized String kept() {
            return kept.toString();
        }
    }

    /** The result with stdout as captured without the status lines, when a splitter ran. */
    private static ProcessResult keptStdout(ProcessSpec spec, ProcessResult r) {
        if (spec.stdoutLines() instanceof StatusSplitter sp) {
            return new ProcessResult(r.exitCode(), sp.kept(), r.stderrTail(), r.elapsed(), r.cancelled());
        }
        return r;
    }

    static String firstJsonLine(String stdout) {
        return ResticOutput.firstJsonLine(stdout);
    }

    // ---- restore, drill and check (issue 3) ----

    /** One node of {@code restic ls --json}: a file, dir, symlink, ...; mtime in nanoseconds since the epoch. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    public record LsNode(String name, String type, String path, long uid, long gid, long size, long mode,
                         java.time.Instant mtime, String linktarget) {
        public boolean isFile() {
            return "file".equals(type);
        }

        public boolean isDir() {
            return "dir".equals(type);
        }

        /** The modification time in nanoseconds since the epoch (0 when unknown). */
        public long mtimeNanos() {
            return mtime == null ? 0 : mtime.getEpochSecond() * 1_000_000_000L + mtime.getNano();
        }
    }

    /** Parses one line of {@code ls --json}; the leading snapshot line (and anything else) gives null. */
    public static LsNode parseLsLine(String line) {
        return ResticOutput.parseLsLine(line);
    }

    /** Streams the snapshot's nodes one at a time (a million entries never sit in memory at once). */
    public void ls(String snapshotId, List<String> paths, Consumer<LsNode> nodes) {
        runChecked("restic ls", spec(args.lsArgs(snapshotId, paths)).captureStdout(false).stdoutLines(nodeLines(nodes))
                .build());
    }

    private static Consumer<String> nodeLines(Consumer<LsNode> nodes) {
        return line -> {
            LsNode n = ResticOutput.parseLsLine(line);
            if (n != null) {
                nodes.accept(n);
            }
        };
    }

    /** Runs {@code restic dump}, handing stdout to the consumer; the caller classifies the result. */
    public ProcessResult dump(String snapshotId, String path, ProcessSpec.StreamConsumer consumer) {
        return dump(snapshotId, path, consumer, null);
    }

    /**
     * As {@link #dump(String, String, ProcessSpec.StreamConsumer)}; restic prints no status for
     * dump, so the listener (null for none) is told the bytes read of the stream.
     */
    public ProcessResult dump(String snapshotId, String path, ProcessSpec.StreamConsumer consumer,
                              ResticProgress.Listener progress) {
        return runner.run(spec(ResticArgs.withLargePipe(args.dumpArgs(snapshotId, path)))
                .stdoutStream(ByteProgress.counting(consumer, progress)).build());
    }

    /**
     * As {@link #dump(String, String, ProcessSpec.StreamConsumer, ResticProgress.Listener)}, telling
     * {@code onStart} the started child (the web console reads its stdout through /proc/PID/fd/1
     * into direct buffers; null for nobody).
     */
    public ProcessResult dump(String snapshotId, String path, ProcessSpec.StreamConsumer consumer,
                              ResticProgress.Listener progress, java.util.function.Consumer<Process> onStart) {
        return runner.run(spec(ResticArgs.withLargePipe(args.dumpArgs(snapshotId, path)))
                .stdoutStream(ByteProgress.counting(consumer, progress)).onStart(onStart).build());
    }

    public ProcessResult restore(String snapshotId, String target, List<String> includes, boolean verify) {
        return restore(snapshotId, target, includes, verify, null);
    }

    /**
     * As {@link #restore(String, String, List, boolean)}; restic 0.14 prints no status for
     * restore, so the listener (null for none) is told, once a second, the bytes the target's file
     * system has filled since the start (approximate: other writers count too).
     */
    public ProcessResult restore(String snapshotId, String target, List<String> includes, boolean verify,
                                 ResticProgress.Listener progress) {
        try (ByteProgress.Ticker t = ByteProgress.watchFilling(java.nio.file.Path.of(target), progress)) {
            return runChecked("restic restore", spec(args.restoreArgs(snapshotId, target, includes, verify)).build());
        }
    }

    /** Runs {@code restic check}; the caller reads the exit code and output (0.14 has no JSON here). */
    public ProcessResult check(String readDataSubset) {
        return check(readDataSubset, null);
    }

    /**
     * As {@link #check(String)}, telling the listener (null for none) restic's own status lines
     * ("5 / 8 packs"); they are left out of the result's stdout.
     */
    public ProcessResult check(String readDataSubset, ResticProgress.Listener progress) {
        ProcessSpec spec = withStatusLines(spec(args.checkArgs(readDataSubset)).stderrLines(l -> { }), progress).build();
        return keptStdout(spec, runner.run(spec));
    }

    // ---- restic's own "latest" (issue 3 performance: no separate snapshots call) ----

    /**
     * {@code restic ls --json latest} under {@link ResticArgs#latestFilters}: the snapshot restic chose comes
     * first (its consumer may throw a {@link CfsException} to stop restic there), then its nodes.
     */
    public void lsLatest(String host, String tag, String path, Consumer<Snapshot> chosen, Consumer<LsNode> nodes) {
        Consumer<String> nodeLines = nodeLines(nodes);
        runChecked("restic ls", spec(ResticArgs.withLargePipe(args.lsLatestArgs(host, tag, path))).captureStdout(false)
                .stdoutLines(line -> {
                    Snapshot s = ResticOutput.parseLsSnapshotLine(line);
                    if (s != null) {
                        chosen.accept(s);
                    } else {
                        nodeLines.accept(line);
                    }
                }).build());
    }

    /** {@code restic dump latest PATH} under {@link ResticArgs#latestFilters}; the caller classifies the result. */
    public ProcessResult dumpLatest(String host, String tag, String path, ProcessSpec.StreamConsumer consumer) {
        return dumpLatest(host, tag, path, consumer, null);
    }

    /** As {@link #dumpLatest(String, String, String, ProcessSpec.StreamConsumer)}, counting the stream's bytes. */
    public ProcessResult dumpLatest(String host, String tag, String path, ProcessSpec.StreamConsumer consumer,
                                    ResticProgress.Listener progress) {
        return runner.run(spec(ResticArgs.withLargePipe(args.dumpLatestArgs(host, tag, path)))
                .stdoutStream(ByteProgress.counting(consumer, progress)).build());
    }

    /**
     * {@code restic restore latest} under {@link ResticArgs#latestFilters} into the target; returns the id
     * (short) of the snapshot restic restored, from its "restoring <Snapshot ID ...>" line.
     */
    public String restoreLatest(String host, String tag, String path, String target) {
        return restoreLatest(host, tag, path, target, null);
    }

    /** As {@link #restoreLatest(String, String, String, String)}, with the listener of {@link #restore}. */
    public String restoreLatest(String host, String tag, String path, String target, ResticProgress.Listener progress) {
        try (ByteProgress.Ticker t = ByteProgress.watchFilling(java.nio.file.Path.of(target), progress)) {
            return ResticOutput.parseRestoredSnapshot(runChecked("restic restore",
                    spec(args.restoreLatestArgs(host, tag, path, target)).build()).stdout());
        }
    }

    // ---- browsing: one folder, find, diff (issue 17, the web console and ls/find/diff) ----

    /**
     * Streams the nodes of {@link ResticArgs#lsFolderArgs} one at a time. The consumer may throw a
     * {@link CfsException} to stop restic there (a page is full): nothing of a large folder is held.
     */
    public void lsFolder(String snapshotId, String path, Consumer<LsNode> nodes) {
        runChecked("restic ls", spec(args.lsFolderArgs(snapshotId, path)).captureStdout(false)
                .stdoutLines(nodeLines(nodes)).build());
    }

    /** The JSON document of {@code restic find --json} (one array of {snapshot, matches[]}). */
    public JsonNode find(String host, List<String> tags, String pattern) {
        return ResticOutput.parseFind(runChecked("restic find", spec(args.findArgs(host, tags, pattern)).build()).stdout());
    }

    /** Streams the JSON lines of {@link ResticArgs#diffArgs} (messages "change" and "statistics"). */
    public void diff(String fromId, String toId, Consumer<JsonNode> messages) {
        runChecked("restic diff", spec(args.diffArgs(fromId, toId)).captureStdout(false).stdoutLines(line -> {
            JsonNode n = ResticOutput.parseDiffLine(line);
            if (n != null) {
                messages.accept(n);
            }
        }).build());
    }
}
