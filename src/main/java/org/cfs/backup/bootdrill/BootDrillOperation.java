package org.cfs.backup.bootdrill;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.config.BootDrillConfig;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.Size;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.restore.SnapshotSelector;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;
import org.cfs.backup.state.ScratchJournal;

/**
 * Boot drills (issue 16): proves that each app really starts on its restored data. A volume's
 * latest snapshot is restored into a scratch volume and a throw-away copy of the container using
 * the live volume is started on it, without network and with resource limits; it passes when its
 * HEALTHCHECK turns healthy, the source's probe exits 0, or (with neither) it still runs after
 * {@code settle}. A path snapshot is restored into a scratch folder. Every SQLite database of a
 * restored copy must pass {@code PRAGMA integrity_check}; a MariaDB dump is loaded into a
 * throw-away server ({@link MariadbLoad}). Every scratch thing is in the {@link ScratchJournal}
 * before it exists and is removed afterwards; the live containers, volumes and servers are only
 * ever read.
 */
public final class BootDrillOperation {
    /** The label every scratch container and volume carries ({@code audit} skips such containers). */
    public static final String LABEL = "cfs-backup.boot-drill";
    /** Free space kept beyond the snapshot's size. */
    static final long SPACE_MARGIN = 64L * 1024 * 1024;
    /** Resource limits of the scratch container: it must not starve the live apps. */
    static final List<String> LIMITS = List.of("--memory", "2g", "--memory-swap", "2g", "--cpus", "1",
            "--pids-limit", "1024");
    static final int LOG_LINES = 15;

    private final Config config;
    private final Restic restic;
    private final Docker docker;
    private final ProcessRunner runner;
    private final Cancellation cancellation;
    private final RunHistory history;
    private final AuditLog auditLog;
    private final ScratchJournal journal;
    private final Consumer<String> log;
    private final String sqlite3;
    private final String command;
    /** Programs pointed elsewhere (tests, unusual installs): name to path; absent = found on PATH. */
    private Map<String, String> bins = Map.of();

    public BootDrillOperation withBinaries(Map<String, String> bins) {
        this.bins = Map.copyOf(bins);
        return this;
    }

    public BootDrillOperation(Config config, Restic restic, Docker docker, ProcessRunner runner, Cancellation cancellation,
                              RunHistory history, AuditLog auditLog, ScratchJournal journal, String sqlite3,
                              Consumer<String> log) {
        this.config = config;
        this.restic = restic;
        this.docker = docker;
        this.runner = runner;
        this.cancellation = cancellation;
        this.history = history;
        this.auditLog = auditLog;
        this.journal = journal;
        this.sqlite3 = sqlite3;
        this.log = log;
        this.command = "drill --boot";
    }

    /** Why a source has no boot drill, or null when it has one. */
    public static String unsupported(SourceConfig s) {
        if (s.kind() == SourceConfig.Kind.COMMAND && !MariadbLoad.isMariadbDump(s.command())) {
            return "a boot drill of a command source needs a MariaDB dump (mariadb-dump or mysqldump)";
        }
        return null;
    }

    /**
     * Drills the sources. With {@code named} false (all sources), sources without a boot drill or
     * with {@code enabled: false} are left out; named ones are always drilled or reported.
     */
    public BootDrillReport run(List<SourceConfig> sources, boolean named) {
        Instant start = Instant.now();
        List<BootDrillReport.Source> results = new ArrayList<>();
        for (SourceConfig s : sources) {
            if (!named && (!s.bootDrillOrDefault().enabledOrDefault() || unsupported(s) != null)) {
                log.accept(s.name() + ": no boot drill (" + (unsupported(s) != null ? unsupported(s)
                        : "boot-drill.enabled is false") + ")");
                continue;
            }
            cancellation.check();
            Instant t0 = Instant.now();
            BootDrillReport.Source d = drillSource(s);
            results.add(d);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("duration_s", d.durationS());
            f.put("mode", d.mode());
            f.put("files_verified", d.filesVerified());
            f.put("bytes_verified", d.bytesVerified());
            BootDrillReport.Boot b = d.boot();
            if (b.secondsToHealthy() != null) {
                f.put("seconds_to_healthy", b.secondsToHealthy());
            }
            if (b.restoreS() != null) {
                f.put("restore_s", b.restoreS());
            }
            if (b.startS() != null) {
                f.put("start_s", b.startS());
            }
            if (b.scratchBytes() != null) {
                f.put("scratch_bytes", b.scratchBytes());
            }
            if (b.passedBy() != null) {
                f.put("passed_by", b.passedBy());
            }
            f.put("sqlite_checked", b.sqliteChecked());
            history.append(new RunRecord("boot-drill", s.name(), t0, Instant.now(), d.passed() ? "ok" : "failed",
                    d.snapshotId(), f, d.problems().isEmpty() ? null : d.problems().get(0)));
            auditLog.record("boot-drill", d.passed() ? "ok" : "failed", "source=" + s.name()
                    + (d.snapshotId() == null ? "" : " snapshot=" + d.snapshotId())
                    + String.format(Locale.ROOT, " mode=%s duration_s=%.1f", d.mode(), d.durationS())
                    + (b.secondsToHealthy() == null ? "" : String.format(Locale.ROOT, " seconds_to_healthy=%.1f", b.secondsToHealthy()))
                    + (d.problems().isEmpty() ? "" : " problems=" + d.problems().size() + " first=\"" + d.problems().get(0) + "\""));
        }
        boolean passed = results.stream().allMatch(BootDrillReport.Source::passed);
        List<String> failed = results.stream().filter(r -> !r.passed()).map(BootDrillReport.Source::source).toList();
        history.append(new RunRecord("boot-drill", null, start, Instant.now(), passed ? "ok" : "failed", null,
                Map.of("sources", results.size()), passed ? null : "boot drill failed for " + String.join(", ", failed)));
        auditLog.record("boot-drill", passed ? "ok" : "failed", "sources=" + results.size()
                + (passed ? "" : " failed=" + String.join(",", failed)));
        return new BootDrillReport(passed, List.copyOf(results));
    }

    /** What one source's drill found, filled in as it goes. */
    static final class Outcome {
        final List<String> problems = new ArrayList<>();
        final List<String> bootProblems = new ArrayList<>();
        String snapshotId;
        long files;
        long bytes;
        Double restoreS;
        Double startS;
        Double secondsToHealthy;
        String passedBy;
        String container;
        String image;
        Long scratchBytes;
        int sqliteChecked;
        List<BootDrillReport.TableCount> tables;

        void boot(String problem) {
            bootProblems.add(problem);
        }
    }

    private BootDrillReport.Source drillSource(SourceConfig s) {
        long t0 = System.nanoTime();
        Outcome o = new Outcome();
        String mode = switch (s.kind()) {
            case VOLUME -> "boot-volume";
            case PATHS -> "boot-path";
            case COMMAND -> "boot-dump";
        };
        try {
            String why = unsupported(s);
            if (why != null) {
                o.problems.add(why);
            } else {
                Snapshot snap = new SnapshotSelector(restic, config.host()).resolve(s, null);
                o.snapshotId = snap.shortIdOrPrefix();
                switch (s.kind()) {
                    case VOLUME -> volume(s, snap, o);
                    case PATHS -> path(s, snap, o);
                    case COMMAND -> new MariadbLoad(config, restic, docker, runner, journal, cancellation, log, command, bins)
                            .drill(s, snap, o);
                }
            }
        } catch (CancelledException e) {
            throw e;
        } catch (CfsException e) {
            o.boot(e.getMessage());
        }
        if (cancellation.isCancelled()) {
            throw new CancelledException();
        }
        List<String> all = new ArrayList<>(o.problems);
        all.addAll(o.bootProblems);
        boolean passed = all.isEmpty();
        BootDrillReport.Boot boot = new BootDrillReport.Boot(passed, passed ? o.secondsToHealthy : null,
                List.copyOf(all), o.container, o.image, o.restoreS, o.startS, passed ? o.passedBy : null, o.scratchBytes,
                o.sqliteChecked, o.tables);
        return new BootDrillReport.Source(s.name(), passed, o.snapshotId, o.files, o.bytes, seconds(t0), List.copyOf(all),
                mode, boot);
    }

    static String scratchName(String source) {
        String safe = source.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]", "-");
        return ScratchJournal.PREFIX + safe + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 6);
    }

    // ---- space ----

    /** Refuses, naming the figures, when the snapshot will not fit in the folder's free space. */
    private void checkSpace(Snapshot snap, Path where, String what) {
        long need = restic.restoreSize(snap.id());
        long free;
        try {
            free = Files.getFileStore(where).getUsableSpace();
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot read the free space of " + where + ": " + e.getMessage());
        }
        if (need < 0 || free < need + SPACE_MARGIN) {
            throw new CfsException(ExitCode.FAILED, "not enough scratch space for a boot drill in " + what + " (" + where
                    + "): the snapshot needs " + Size.human(Math.max(0, need)) + " plus " + Size.human(SPACE_MARGIN)
                    + ", " + Size.human(free) + " free; nothing was restored");
        }
    }

    // ---- path sources: a scratch folder and the SQLite check ----

    private void path(SourceConfig s, Snapshot snap, Outcome o) {
        Path parent = config.stateDir();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot create " + parent + ": " + e.getMessage());
        }
        checkSpace(snap, parent, "the state dir");
        Path scratch = parent.resolve(scratchName(s.name()));
        journal.record(ScratchJournal.Kind.PATH, scratch.toString(), null, command);
        try {
            long r0 = System.nanoTime();
            Files.createDirectories(scratch);
            Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwx------"));
            restic.restore(snap.id(), scratch.toString(), List.of(), false);
            o.restoreS = seconds(r0);
            count(scratch, o);
            o.scratchBytes = o.bytes;
            sqlite(scratch, p -> "/" + scratch.relativize(p), o);
            o.secondsToHealthy = seconds(r0);
            o.passedBy = "sqlite";
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "boot drill in " + scratch + " failed: " + e.getMessage());
        } finally {
            removeQuietly(ScratchJournal.Kind.PATH, scratch.toString());
        }
    }

    private void sqlite(Path root, java.util.function.Function<Path, String> name, Outcome o) throws IOException {
        if (!SqliteCheck.available(sqlite3)) {
            log.accept("SQLite databases not checked: " + sqlite3 + " is not installed (apt-get install sqlite3)");
            return;
        }
        SqliteCheck.Result r = new SqliteCheck(sqlite3, runner).checkTree(root, name);
        o.sqliteChecked = r.checked();
        o.problems.addAll(r.problems());
    }

    private static void count(Path root, Outcome o) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    o.files++;
                    o.bytes += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    // ---- volume sources: a scratch volume and a throw-away copy of the app ----

    /** The live container whose copy the drill starts: the configured one, or the one using the volume. */
    String liveContainer(SourceConfig s) {
        BootDrillConfig b = s.bootDrillOrDefault();
        if (b.container() != null) {
            return b.container();
        }
        List<Docker.Container> using = docker.containersUsing(s.volume()).stream()
                .filter(c -> !c.name().startsWith(ScratchJournal.PREFIX)).toList();
        if (using.isEmpty()) {
            throw new CfsException(ExitCode.FAILED, "no container uses volume " + s.volume()
                    + ": name the app's container in boot-drill.container");
        }
        if (using.size() == 1) {
            return using.get(0).name();
        }
        List<Docker.Container> running = using.stream().filter(Docker.Container::running).toList();
        if (running.size() == 1) {
            return running.get(0).name();
        }
        throw new CfsException(ExitCode.FAILED, "several containers use volume " + s.volume() + " ("
                + String.join(", ", using.stream().map(Docker.Container::name).toList())
                + "): name the app's container in boot-drill.container");
    }

    /** What the copy needs from the live container's configuration (read only). */
    record Blueprint(String container, String image, String imageName, List<String> entrypoint, List<String> cmd,
                     String workdir, String user, List<String> env, String destination, boolean healthcheck) {
    }

    Blueprint blueprint(String container, String volume) {
        JsonNode c = docker.inspect("container", container);
        JsonNode cfg = c.path("Config");
        String dest = null;
        for (JsonNode m : c.path("Mounts")) {
            if ("volume".equals(m.path("Type").asText()) && volume.equals(m.path("Name").asText())) {
                dest = m.path("Destination").asText();
            }
        }
        if (dest == null) {
            throw new CfsException(ExitCode.FAILED, "container " + container + " does not mount volume " + volume);
        }
        JsonNode hc = cfg.path("Healthcheck").path("Test");
        boolean health = hc.isArray() && hc.size() > 0 && !"NONE".equals(hc.get(0).asText());
        return new Blueprint(container, c.path("Image").asText(), cfg.path("Image").asText(), strings(cfg.path("Entrypoint")),
                strings(cfg.path("Cmd")), cfg.path("WorkingDir").asText(""), cfg.path("User").asText(""),
                strings(cfg.path("Env")), dest, health);
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(x -> out.add(x.asText()));
        } else if (n.isTextual()) {
            out.add(n.asText());
        }
        return out;
    }

    /** The {@code docker create} arguments of the scratch copy (the environment comes from a file). */
    static List<String> createArgs(Blueprint b, String name, String source, String scratchVolume, Path envFile) {
        List<String> a = new ArrayList<>(List.of("create", "--name", name, "--label", LABEL + "=1",
                "--label", LABEL + ".source=" + source, "--label", LABEL + ".of=" + b.container(),
                "--network", "none", "--restart", "no"));
        a.addAll(LIMITS);
        if (envFile != null) {
            a.addAll(List.of("--env-file", envFile.toString()));
        }
        if (!b.workdir().isEmpty()) {
            a.addAll(List.of("--workdir", b.workdir()));
        }
        if (!b.user().isEmpty()) {
            a.addAll(List.of("--user", b.user()));
        }
        if (b.healthcheck()) {
            // the image's own test, asked every second: the time to healthy is measured, not waited out
            a.addAll(List.of("--health-interval", "1s"));
        }
        a.addAll(List.of("--mount", "type=volume,source=" + scratchVolume + ",target=" + b.destination()));
        List<String> rest = new ArrayList<>();
        if (!b.entrypoint().isEmpty()) {
            a.addAll(List.of("--entrypoint", b.entrypoint().get(0)));
            rest.addAll(b.entrypoint().subList(1, b.entrypoint().size()));
        }
        rest.addAll(b.cmd());
        a.add(b.image());
        a.addAll(rest);
        return a;
    }

    private void volume(SourceConfig s, Snapshot snap, Outcome o) {
        if (snap.paths() == null || snap.paths().size() != 1) {
            throw new CfsException(ExitCode.FAILED, "snapshot " + snap.shortIdOrPrefix() + " is not a single volume: " + snap.paths());
        }
        BootDrillConfig cfg = s.bootDrillOrDefault();
        String live = liveContainer(s);
        Blueprint b = blueprint(live, s.volume());
        o.container = live;
        o.image = b.imageName().isEmpty() ? b.image() : b.imageName();
        String root = docker.rootDir();
        checkSpace(snap, Path.of(root.isEmpty() ? "/" : root), "the Docker root");
        String name = scratchName(s.name());
        Path envFile = config.stateDir().resolve(name + ".env");
        journal.record(ScratchJournal.Kind.VOLUME, name, s.volume(), command);
        boolean containerRecorded = false;
        try {
            Docker.Volume vol = docker.createVolume(name, List.of(LABEL + "=1", LABEL + ".source=" + s.name()));
            Path mp = Path.of(vol.mountpoint());
            long r0 = System.nanoTime();
            restoreInto(snap, mp);
            o.restoreS = seconds(r0);
            count(mp, o);
            o.scratchBytes = o.bytes;
            cancellation.check();
            sqlite(mp, p -> snap.paths().get(0) + "/" + mp.relativize(p), o);
            // the copy's environment may hold secrets: a 0600 file for --env-file, never the command line
            journal.record(ScratchJournal.Kind.PATH, envFile.toString(), null, command);
            try {
                writeEnvFile(envFile, b.env());
                journal.record(ScratchJournal.Kind.CONTAINER, name, live, command);
                containerRecorded = true;
                docker.run("creating the boot drill's container", createArgs(b, name, s.name(), name, envFile)
                        .toArray(String[]::new));
            } finally {
                removeQuietly(ScratchJournal.Kind.PATH, envFile.toString());
            }
            cancellation.check();
            long s0 = System.nanoTime();
            docker.run("starting the boot drill's container", "start", name);
            await(name, cfg, b.healthcheck(), s0, o);
            if (o.bootProblems.isEmpty()) {
                o.startS = seconds(s0);
                o.secondsToHealthy = seconds(r0);
            }
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "boot drill of " + s.name() + " failed: " + e.getMessage());
        } finally {
            if (containerRecorded) {
                removeQuietly(ScratchJournal.Kind.CONTAINER, name);
            }
            removeQuietly(ScratchJournal.Kind.VOLUME, name);
        }
    }

    /** Restores the snapshot's one path into the folder (a staging folder inside it, then moved up). */
    private void restoreInto(Snapshot snap, Path target) throws IOException {
        Path staging = target.resolve(".cfs-bootdrill-restore");
        Files.createDirectories(staging);
        restic.restore(snap.id(), staging.toString(), List.of(), false);
        Path staged = staging.resolve(snap.paths().get(0).substring(1));
        PosixFileAttributes a = null;
        if (Files.isDirectory(staged, LinkOption.NOFOLLOW_LINKS)) {
            a = Files.readAttributes(staged, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(staged)) {
                for (Path c : ds) {
                    Files.move(c, target.resolve(c.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
        ScratchJournal.deleteTree(staging);
        if (a != null) {
            // the volume's root as it was: owner and mode matter to an app that runs as a user
            PosixFileAttributeView v = Files.getFileAttributeView(target, PosixFileAttributeView.class);
            v.setOwner(a.owner());
            v.setGroup(a.group());
            v.setPermissions(a.permissions());
            v.setTimes(a.lastModifiedTime(), null, null);
        }
    }

    static void writeEnvFile(Path file, List<String> env) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        StringBuilder sb = new StringBuilder();
        for (String e : env) {
            if (e.contains("\n") || !e.contains("=")) {
                continue; // --env-file holds one NAME=VALUE a line
            }
            sb.append(e).append('\n');
        }
        Files.writeString(file, sb.toString());
    }

    /** Waits for the copy to be healthy (HEALTHCHECK, probe or settle) within the timeout; fills the problems. */
    private void await(String name, BootDrillConfig cfg, boolean healthcheck, long s0, Outcome o) {
        Duration timeout = cfg.timeoutDuration();
        // a timeout below the default settle shortens the settle (no HEALTHCHECK, no probe: still running is enough)
        Duration settle = cfg.settleDuration().compareTo(timeout) > 0 ? timeout : cfg.settleDuration();
        List<String> probe = cfg.probeOrEmpty();
        long deadline = s0 + timeout.toNanos();
        String lastProbe = null;
        String lastHealth = null;
        String healthStatus = null;
        while (true) {
            if (cancellation.isCancelled()) {
                throw new CancelledException();
            }
            JsonNode st = docker.inspect("container", name).path("State");
            String status = st.path("Status").asText();
            if (!"running".equals(status)) {
                o.boot("container " + name + " (copy of " + o.container + ") exited with code " + st.path("ExitCode").asInt()
                        + " after " + fmt(seconds(s0)) + "s" + (st.path("OOMKilled").asBoolean() ? " (out of memory)" : ""));
                logs(name, o);
                return;
            }
            if (healthcheck) {
                String h = st.path("Health").path("Status").asText();
                healthStatus = h;
                JsonNode logs = st.path("Health").path("Log");
                if (logs.isArray() && logs.size() > 0) {
                    lastHealth = logs.get(logs.size() - 1).path("Output").asText("").strip();
                }
                if ("healthy".equals(h)) {
                    o.passedBy = "healthcheck";
                    return;
                }
                // "unhealthy" is not the end: the check is asked every second (not at the image's
                // interval), so its retries run out sooner than the app's start; the timeout decides
            }
            if (!probe.isEmpty()) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L);
                ProcessResult r = docker.exec(name, probe, Duration.ofSeconds(Math.min(left, 30)));
                if (r.cancelled()) {
                    throw new CancelledException();
                }
                if (r.ok()) {
                    o.passedBy = "probe";
                    return;
                }
                String out = ((r.stdout() == null ? "" : r.stdout()) + " " + r.stderrTail()).strip();
                lastProbe = "exit " + r.exitCode() + (out.isEmpty() ? "" : ": " + oneLine(out));
            }
            if (!healthcheck && probe.isEmpty() && System.nanoTime() - s0 >= settle.toNanos()) {
                o.passedBy = "settle";
                return;
            }
            if (System.nanoTime() >= deadline) {
                o.boot("not healthy within the timeout of " + timeout.toSeconds() + "s ("
                        + (healthcheck ? "HEALTHCHECK " + (healthStatus == null || healthStatus.isEmpty() ? "never ran"
                        : healthStatus + (lastHealth == null || lastHealth.isEmpty() ? "" : ", last said: " + oneLine(lastHealth)))
                        : "probe " + String.join(" ", probe) + " " + (lastProbe == null ? "never ran" : "last " + lastProbe))
                        + ")");
                logs(name, o);
                return;
            }
            sleep(healthcheck && probe.isEmpty() ? 250 : 500);
        }
    }

    private void logs(String name, Outcome o) {
        String tail = docker.logTail(name, LOG_LINES);
        if (!tail.isBlank()) {
            o.boot("last log lines: " + String.join(" | ", tail.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()));
        }
    }

    private static String oneLine(String s) {
        String t = s.strip().replaceAll("\\s*\\n\\s*", " | ");
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException();
        }
    }

    /** Removes one scratch thing and drops its journal entry; a failure is logged and left to the next command. */
    private void removeQuietly(ScratchJournal.Kind kind, String ref) {
        try {
            ScratchReconcile.remove(new ScratchJournal.Entry(0, null, command, kind, ref, null, null), docker);
            journal.clear(kind, ref);
        } catch (IOException | CfsException e) {
            log.accept("could not remove scratch " + kind.name().toLowerCase(Locale.ROOT) + " " + ref + " (the next command"
                    + " tries again): " + e.getMessage());
        }
    }

    static String fmt(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
    }
}
