package org.cfs.backup.restic;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import org.cfs.backup.rclone.Rclone;

/**
 * Turns intent into restic argument lists and parses restic's output. The one place that knows
 * restic's flags, its JSON and its version differences; running is left to the {@link ProcessRunner}.
 */
public final class Restic {
    static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final ResticSettings settings;
    private final ProcessRunner runner;
    private ResticVersion version;

    public Restic(ResticSettings settings, ProcessRunner runner) {
        this.settings = settings;
        this.runner = runner;
    }

    public ResticSettings settings() {
        return settings;
    }

    /** Detected once per instance (one instance per cfs-backup run). */
    public synchronized ResticVersion version() {
        if (version == null) {
            ProcessResult r = runner.run(ProcessSpec.of(settings.binary(), "version").build());
            if (!r.ok()) {
                throw new CfsException(ExitCode.FAILED, "cannot run '" + settings.binary() + " version' (exit "
                        + r.exitCode() + "): is restic installed?");
            }
            version = ResticVersion.parse(r.stdout());
        }
        return version;
    }

    // ---- argument building ----

    /** The common head of every restic command line: binary, repository, cache and backend options. */
    public List<String> command(String subcommand, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(settings.binary());
        cmd.add("-r");
        cmd.add(settings.repository());
        if (settings.cacheDir() != null) {
            cmd.add("--cache-dir");
            cmd.add(settings.cacheDir().toString());
        }
        if (settings.rcloneBackend()) {
            // without --ask-password=false an encrypted rclone.conf makes rclone wait 60 s on stdin
            StringBuilder rargs = new StringBuilder("serve restic --stdio --b2-hard-delete --ask-password=false");
            for (String a : settings.extraRcloneArgs()) {
                rargs.append(' ').append(a);
            }
            cmd.add("-o");
            cmd.add("rclone.args=" + rargs);
        }
        cmd.add(subcommand);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * A command that takes restic's exclusive lock (forget, prune, check): from 0.16 it waits for
     * a running backup's lock with {@code --retry-lock} instead of failing at once.
     */
    public List<String> exclusiveCommand(String subcommand, String... args) {
        List<String> cmd = command(subcommand, args);
        if (version().hasRetryLock()) {
            cmd.add(cmd.indexOf(subcommand) + 1, "--retry-lock");
            cmd.add(cmd.indexOf(subcommand) + 2, "5m");
        }
        return cmd;
    }

    /** The environment restic gets: paths to secret files, and rclone's config password when set. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        if (settings.passwordCommand() != null) {
            // issue 15: restic runs the command and reads the password from its pipe
            env.put("RESTIC_PASSWORD_COMMAND", settings.passwordCommand());
        } else {
            env.put("RESTIC_PASSWORD_FILE", settings.passwordFile().toString());
        }
        env.putAll(Rclone.environment(settings.rcloneConfig(), settings.rcloneConfigPasswordFile(),
                settings.rcloneConfigPasswordCommand()));
        return env;
    }

    public List<String> backupArgs(BackupRequest req) {
        List<String> a = new ArrayList<>();
        a.add("--json");
        a.add("--host");
        a.add(req.host());
        for (String t : req.tags()) {
            a.add("--tag");
            a.add(t);
        }
        if (req.parent() != null) {
            a.add("--parent");
            a.add(req.parent());
        }
        for (String e : req.excludes()) {
            a.add("--exclude");
            a.add(e);
        }
        if (req.dryRun()) {
            a.add("--dry-run");
        }
        if (req.stdinFilename() != null) {
            a.add("--stdin");
            a.add("--stdin-filename");
            a.add(req.stdinFilename());
        } else {
            // "--" so that a path starting with '-' is never read as a flag
            a.add("--");
            a.addAll(req.paths());
        }
        return command("backup", a.toArray(String[]::new));
    }

    public List<String> snapshotsArgs(String host, List<String> tags) {
        List<String> a = new ArrayList<>(List.of("--json"));
        if (host != null) {
            a.add("--host");
            a.add(host);
        }
        if (tags != null && !tags.isEmpty()) {
            // one --tag with a comma list means "all of these"; several --tag mean "any of these"
            for (String t : tags) {
                a.add("--tag");
                a.add(t);
            }
        }
        return command("snapshots", a.toArray(String[]::new));
    }

    public ProcessSpec.Builder spec(List<String> args) {
        return ProcessSpec.of(args).env(environment());
    }

    // ---- running ----

    /** Runs a restic command and throws a classified {@link ResticException} when it fails. */
    public ProcessResult runChecked(String action, ProcessSpec spec) {
        ProcessResult r = runner.run(spec);
        if (!r.ok() && waitedForOrphan(r)) {
            r = runner.run(spec);
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
            runner.run(spec(command("unlock")).build());
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
        ProcessResult r = runner.run(spec(command("cat", "config")).build());
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
        runChecked("restic init", spec(command("init")).build());
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
        ProcessSpec.Builder b = spec(backupArgs(req))
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
        ProcessResult r = runChecked("restic snapshots", spec(snapshotsArgs(host, tags)).build());
        return parseSnapshots(r.stdout());
    }

    public static List<Snapshot> parseSnapshots(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || node.isNull() || node.isMissingNode()) {
                return List.of();
            }
            return List.of(JSON.treeToValue(node, Snapshot[].class));
        } catch (JsonProcessingException e) {
            throw new CfsException(ExitCode.FAILED, "cannot parse restic snapshots output: " + e.getOriginalMessage());
        }
    }

    /** Removes snapshots by id, without pruning (the data is shared; prune runs on its schedule). */
    public void forget(List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        List<String> a = new ArrayList<>(ids);
        runChecked("restic forget", spec(exclusiveCommand("forget", a.toArray(String[]::new))).build());
    }

    /** {@code restic tag --add TAG ID...} (an exclusive lock, as forget). */
    public void addTag(List<String> ids, String tag) {
        if (ids.isEmpty()) {
            return;
        }
        List<String> a = new ArrayList<>(List.of("--add", tag, "--"));
        a.addAll(ids);
        runChecked("restic tag", spec(exclusiveCommand("tag", a.toArray(String[]::new))).build());
    }

    public ProcessRunner runner() {
        return runner;
    }

    // ---- daemon, status and prune (retention) ----

    /** Snapshots without taking a repository lock, so that status and freshness never block a prune or check. */
    public List<Snapshot> snapshotsNoLock(String host, List<String> tags) {
        List<String> a = new ArrayList<>(List.of("--no-lock", "--json"));
        if (host != null) {
            a.add("--host");
            a.add(host);
        }
        for (String t : tags == null ? List.<String>of() : tags) {
            a.add("--tag");
            a.add(t);
        }
        return parseSnapshots(runChecked("restic snapshots", spec(command("snapshots", a.toArray(String[]::new)))
                .build()).stdout());
    }

    /** Removes stale locks only (those of dead processes on this host, or older than 30 min). */
    public void unlock() {
        runChecked("restic unlock", spec(command("unlock")).build());
    }

    /**
     * {@code restic unlock} that runs even after a cancel, with a time limit: the daemon's last
     * clean-up after an interrupted job, for a restic that was sent SIGINT before it could register
     * the lock it had just written.
     */
    public void unlockAfterCancel() {
        runChecked("restic unlock", spec(command("unlock")).survivesCancel()
                .timeout(java.time.Duration.ofSeconds(20)).build());
    }

    /**
     * The ids of every lock in the repository, stale ones included ({@code restic list locks
     * --no-lock}): a fleet's prune or check waits while another host's backup holds one.
     */
    public List<String> locks() {
        ProcessResult r = runChecked("restic list locks", spec(command("list", "locks", "--no-lock")).build());
        return r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** {@code restic stats --json --mode restore-size ID}: the size a restore of this snapshot would write. */
    public long restoreSize(String snapshotId) {
        ProcessResult r = runChecked("restic stats", spec(command("stats", "--json", "--mode", "restore-size",
                snapshotId)).build());
        try {
            return JSON.readTree(firstJsonLine(r.stdout())).path("total_size").asLong(-1);
        } catch (JsonProcessingException e) {
            throw new CfsException(ExitCode.FAILED, "cannot parse restic stats output: " + e.getOriginalMessage());
        }
    }

    /** The arguments of a per-source {@code forget}: one host, one tag, grouped by host and tags. */
    public List<String> forgetArgs(String host, String tag, List<String> policy, boolean dryRun) {
        List<String> a = new ArrayList<>(List.of("--json", "--host", host, "--tag", tag, "--group-by", "host,tags"));
        a.addAll(policy);
        if (dryRun) {
            a.add("--dry-run");
        }
        return command("forget", a.toArray(String[]::new));
    }

    /**
     * Runs {@code forget --json} without {@code --prune}; returns the JSON document (the first line:
     * restic 0.14 may append plain text after it).
     */
    public String forgetPolicy(String host, String tag, List<String> policy, boolean dryRun) {
        return firstJsonLine(runChecked("restic forget", spec(forgetArgs(host, tag, policy, dryRun)).build()).stdout());
    }

    /** {@code restic prune}; returns its plain-text report (0.14 has no JSON for prune). */
    public String prune(boolean dryRun) {
        List<String> a = dryRun ? List.of("--dry-run") : List.of();
        return runChecked("restic prune", spec(command("prune", a.toArray(String[]::new))).build()).stdout();
    }

    static String firstJsonLine(String stdout) {
        for (String line : stdout.split("\n")) {
            String t = line.strip();
            if (t.startsWith("[") || t.startsWith("{")) {
                return t;
            }
        }
        return "null";
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
        if (line == null || line.isBlank() || !line.contains("\"struct_type\":\"node\"")) {
            return null;
        }
        try {
            return JSON.readValue(line, LsNode.class);
        } catch (JsonProcessingException e) {
            throw new CfsException(ExitCode.FAILED, "cannot parse restic ls output: " + e.getOriginalMessage());
        }
    }

    public List<String> lsArgs(String snapshotId, List<String> paths) {
        // --recursive: with folder arguments, 0.14 lists only their direct children otherwise
        List<String> a = new ArrayList<>(List.of("--json", "--recursive", "--", snapshotId));
        a.addAll(paths);
        return command("ls", a.toArray(String[]::new));
    }

    /** Streams the snapshot's nodes one at a time (a million entries never sit in memory at once). */
    public void ls(String snapshotId, List<String> paths, Consumer<LsNode> nodes) {
        ProcessSpec spec = spec(lsArgs(snapshotId, paths)).captureStdout(false).stdoutLines(line -> {
            LsNode n = parseLsLine(line);
            if (n != null) {
                nodes.accept(n);
            }
        }).build();
        runChecked("restic ls", spec);
    }

    /** {@code restic dump SNAPSHOT PATH}: a tar of a folder, or the bytes of a file, on stdout. */
    public List<String> dumpArgs(String snapshotId, String path) {
        return command("dump", "--", snapshotId, path);
    }

    /** Runs {@code restic dump}, handing stdout to the consumer; the caller classifies the result. */
    public ProcessResult dump(String snapshotId, String path, ProcessSpec.StreamConsumer consumer) {
        return runner.run(spec(withLargePipe(dumpArgs(snapshotId, path))).stdoutStream(consumer).build());
    }

    /**
     * {@code restic restore SNAPSHOT --target DIR [--include P]... [--verify]}; restic 0.14 has no
     * {@code SNAPSHOT:subpath}, so the tree lands under its absolute paths below the target.
     */
    public List<String> restoreArgs(String snapshotId, String target, List<String> includes, boolean verify) {
        List<String> a = new ArrayList<>(List.of("--target", target));
        for (String i : includes) {
            a.add("--include");
            a.add(i);
        }
        if (verify) {
            a.add("--verify");
        }
        a.add("--");
        a.add(snapshotId);
        return command("restore", a.toArray(String[]::new));
    }

    public ProcessResult restore(String snapshotId, String target, List<String> includes, boolean verify) {
        return runChecked("restic restore", spec(restoreArgs(snapshotId, target, includes, verify)).build());
    }

    public List<String> checkArgs(String readDataSubset) {
        return readDataSubset == null ? command("check") : command("check", "--read-data-subset", readDataSubset);
    }

    /** Runs {@code restic check}; the caller reads the exit code and output (0.14 has no JSON here). */
    public ProcessResult check(String readDataSubset) {
        return runner.run(spec(checkArgs(readDataSubset)).stderrLines(l -> { }).build());
    }


    // ---- restic's own "latest" (issue 3 performance: no separate snapshots call) ----

    /** Filters under which restic's {@code latest} is this host's newest snapshot tagged with the source, at the path. */
    static List<String> latestFilters(String host, String tag, String path) {
        return List.of("--host", host, "--tag", tag, "--path", path);
    }

    public List<String> lsLatestArgs(String host, String tag, String path) {
        List<String> a = new ArrayList<>(List.of("--json", "--recursive"));
        a.addAll(latestFilters(host, tag, path));
        a.addAll(List.of("--", "latest", path));
        return command("ls", a.toArray(String[]::new));
    }

    /**
     * {@code restic ls --json latest} under {@link #latestFilters}: the snapshot restic chose comes
     * first (its consumer may throw a {@link CfsException} to stop restic there), then its nodes.
     */
    public void lsLatest(String host, String tag, String path, Consumer<Snapshot> chosen, Consumer<LsNode> nodes) {
        ProcessSpec spec = spec(withLargePipe(lsLatestArgs(host, tag, path))).captureStdout(false).stdoutLines(line -> {
            if (line.contains("\"struct_type\":\"snapshot\"")) {
                try {
                    chosen.accept(JSON.readValue(line, Snapshot.class));
                } catch (JsonProcessingException e) {
                    throw new CfsException(ExitCode.FAILED, "cannot parse restic ls output: " + e.getOriginalMessage());
                }
                return;
            }
            LsNode n = parseLsLine(line);
            if (n != null) {
                nodes.accept(n);
            }
        }).build();
        runChecked("restic ls", spec);
    }

    public List<String> dumpLatestArgs(String host, String tag, String path) {
        List<String> a = new ArrayList<>(latestFilters(host, tag, path));
        a.addAll(List.of("--", "latest", path));
        return command("dump", a.toArray(String[]::new));
    }

    /** {@code restic dump latest PATH} under {@link #latestFilters}; the caller classifies the result. */
    public ProcessResult dumpLatest(String host, String tag, String path, ProcessSpec.StreamConsumer consumer) {
        return runner.run(spec(withLargePipe(dumpLatestArgs(host, tag, path))).stdoutStream(consumer).build());
    }

    public List<String> restoreLatestArgs(String host, String tag, String path, String target) {
        List<String> a = new ArrayList<>(List.of("--target", target));
        a.addAll(latestFilters(host, tag, path));
        a.addAll(List.of("--", "latest"));
        return command("restore", a.toArray(String[]::new));
    }

    private static final java.util.regex.Pattern RESTORING =
            java.util.regex.Pattern.compile("(?m)^restoring <Snapshot ([0-9a-f]{8,64}) ");

    /**
     * {@code restic restore latest} under {@link #latestFilters} into the target; returns the id
     * (short) of the snapshot restic restored, from its "restoring <Snapshot ID ...>" line.
     */
    public String restoreLatest(String host, String tag, String path, String target) {
        ProcessResult r = runChecked("restic restore", spec(restoreLatestArgs(host, tag, path, target)).build());
        java.util.regex.Matcher m = RESTORING.matcher(r.stdout());
        if (!m.find()) {
            throw new CfsException(ExitCode.FAILED, "restic restore did not name the snapshot it restored");
        }
        return m.group(1);
    }

    /** Perl, part of every Debian (perl-base is Essential); without it restic runs as it is. */
    static final java.nio.file.Path PERL = java.nio.file.Path.of("/usr/bin/perl");

    /** F_SETPIPE_SZ: 1 MiB is Linux's default limit (/proc/sys/fs/pipe-max-size) for unprivileged processes. */
    static final String LARGE_PIPE = "fcntl(STDOUT, 1031, 1048576); exec { $ARGV[0] } @ARGV; "
            + "print STDERR \"cannot run $ARGV[0]: $!\\n\"; exit 127";

    /**
     * Runs a restic command whose stdout we stream (dump, ls) with a 1 MiB pipe instead of the
     * default 64 KiB: restic then writes a whole blob without waiting for the reader, which cost
     * about 40% over writing to /dev/null on the benchmark machine (docs/benchmarks.md). Java cannot
     * resize a pipe, so a one-line Perl sets the size on the stdout it hands on and execs restic
     * (same process, same arguments, no shell); when the resize is refused, restic runs all the same.
     */
    List<String> withLargePipe(List<String> resticCommand) {
        if (!java.nio.file.Files.isExecutable(PERL)) {
            return resticCommand;
        }
        List<String> cmd = new ArrayList<>(List.of(PERL.toString(), "-e", LARGE_PIPE));
        cmd.addAll(resticCommand);
        return cmd;
    }

    // ---- browsing: one folder, find, diff (issue 17, the web console and ls/find/diff) ----

    /**
     * {@code restic ls --json SNAPSHOT PATH} without {@code --recursive}: restic 0.14 then prints the
     * node of PATH itself and, for a folder, its direct children (in name order), walking no other subtree.
     */
    public List<String> lsFolderArgs(String snapshotId, String path) {
        return command("ls", "--json", "--", snapshotId, path);
    }

    /**
     * Streams the nodes of {@link #lsFolderArgs} one at a time. The consumer may throw a
     * {@link CfsException} to stop restic there (a page is full): nothing of a large folder is held.
     */
    public void lsFolder(String snapshotId, String path, Consumer<LsNode> nodes) {
        ProcessSpec spec = spec(lsFolderArgs(snapshotId, path)).captureStdout(false).stdoutLines(line -> {
            LsNode n = parseLsLine(line);
            if (n != null) {
                nodes.accept(n);
            }
        }).build();
        runChecked("restic ls", spec);
    }

    /** {@code restic find --json [--host H] [--tag T]... -- PATTERN}: which snapshots hold a matching name. */
    public List<String> findArgs(String host, List<String> tags, String pattern) {
        List<String> a = new ArrayList<>(List.of("--json"));
        if (host != null) {
            a.add("--host");
            a.add(host);
        }
        for (String t : tags == null ? List.<String>of() : tags) {
            a.add("--tag");
            a.add(t);
        }
        a.add("--");
        a.add(pattern);
        return command("find", a.toArray(String[]::new));
    }

    /** The JSON document of {@code restic find --json} (one array of {snapshot, matches[]}). */
    public JsonNode find(String host, List<String> tags, String pattern) {
        ProcessResult r = runChecked("restic find", spec(findArgs(host, tags, pattern)).build());
        try {
            JsonNode n = JSON.readTree(firstJsonLine(r.stdout()));
            return n == null ? JSON.createArrayNode() : n;
        } catch (JsonProcessingException e) {
            throw new CfsException(ExitCode.FAILED, "cannot parse restic find output: " + e.getOriginalMessage());
        }
    }

    /** {@code restic diff --json -- ID1 ID2}: change lines, then one statistics line. */
    public List<String> diffArgs(String fromId, String toId) {
        return command("diff", "--json", "--", fromId, toId);
    }

    /** Streams the JSON lines of {@link #diffArgs} (messages "change" and "statistics"). */
    public void diff(String fromId, String toId, Consumer<JsonNode> messages) {
        ProcessSpec spec = spec(diffArgs(fromId, toId)).captureStdout(false).stdoutLines(line -> {
            String t = line.strip();
            if (!t.startsWith("{")) {
                return;
            }
            try {
                messages.accept(JSON.readTree(t));
            } catch (JsonProcessingException e) {
                throw new CfsException(ExitCode.FAILED, "cannot parse restic diff output: " + e.getOriginalMessage());
            }
        }).build();
        runChecked("restic diff", spec);
    }
}
