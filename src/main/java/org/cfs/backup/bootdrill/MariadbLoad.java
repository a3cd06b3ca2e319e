package org.cfs.backup.bootdrill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.Size;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.process.ProcessSpec;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.state.ScratchJournal;

/**
 * Loads a MariaDB dump into a throw-away {@code mariadbd} of this host: a scratch datadir made by
 * {@code mariadb-install-db}, {@code --no-defaults} (the host's my.cnf, port and socket are never
 * read), {@code --skip-networking}, its own socket, run as user {@code mysql}. The dump streams
 * from {@code restic dump} into the {@code mariadb} client while its databases, tables and
 * INSERTed rows are counted; afterwards every table must exist with that many rows
 * ({@code SELECT COUNT(*)}). The live server is never connected to.
 */
final class MariadbLoad {
    private static final java.util.regex.Pattern DUMP_PROGRAM =
            java.util.regex.Pattern.compile("(^|[/\\s])(mariadb-dump|mysqldump)(\\s|$)");
    /** The datadir of an empty server plus InnoDB's files, beside the loaded data. */
    static final long SERVER_OVERHEAD = 256L * 1024 * 1024;
    /** Schemas the server itself writes to after a load (statistics): checked to exist, not counted. */
    static final java.util.Set<String> NOT_COUNTED = java.util.Set.of("mysql");

    private final Config config;
    private final Restic restic;
    private final ProcessRunner runner;
    private final ScratchJournal journal;
    private final Cancellation cancellation;
    private final Consumer<String> log;
    private final String command;
    private final Map<String, String> bins;

    MariadbLoad(Config config, Restic restic, ProcessRunner runner, ScratchJournal journal, Cancellation cancellation,
                Consumer<String> log, String command, Map<String, String> bins) {
        this.config = config;
        this.restic = restic;
        this.runner = runner;
        this.journal = journal;
        this.cancellation = cancellation;
        this.log = log;
        this.command = command;
        this.bins = bins;
    }

    private String bin(String name) {
        return bins.getOrDefault(name, name);
    }

    static boolean isMariadbDump(List<String> command) {
        return command != null && command.stream().anyMatch(a -> DUMP_PROGRAM.matcher(a).find());
    }

    /** Where the scratch datadir goes: the state dir when user mysql can reach it, else /var/tmp. */
    Path scratchParent() {
        Path state = config.stateDir();
        for (Path p = state; p != null; p = p.getParent()) {
            try {
                if (Files.exists(p) && !Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return Path.of("/var/tmp");
                }
            } catch (IOException e) {
                return Path.of("/var/tmp");
            }
        }
        return state;
    }

    void drill(SourceConfig s, Snapshot snap, BootDrillOperation.Outcome o) {
        if (snap.paths() == null || snap.paths().size() != 1) {
            throw new CfsException(ExitCode.FAILED, "snapshot " + snap.shortIdOrPrefix() + " is not a single dump file: " + snap.paths());
        }
        String path = snap.paths().get(0);
        long[] listed = {-1};
        restic.ls(snap.id(), List.of(path), n -> {
            if (n.path().equals(path)) {
                listed[0] = n.size();
            }
        });
        Path parent = scratchParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot create " + parent + ": " + e.getMessage());
        }
        long need = Math.max(0, listed[0]) * 2 + SERVER_OVERHEAD;
        long free;
        try {
            free = Files.getFileStore(parent).getUsableSpace();
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot read the free space of " + parent + ": " + e.getMessage());
        }
        if (free < need) {
            throw new CfsException(ExitCode.FAILED, "not enough scratch space for a boot drill of the dump in " + parent
                    + ": loading " + Size.human(Math.max(0, listed[0])) + " needs about " + Size.human(need) + ", "
                    + Size.human(free) + " free; nothing was loaded");
        }
        Path dir = parent.resolve(BootDrillOperation.scratchName(s.name()));
        journal.record(ScratchJournal.Kind.PATH, dir.toString(), null, command);
        Process server = null;
        try {
            long r0 = System.nanoTime();
            Path data = dir.resolve("data");
            Files.createDirectories(data);
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            for (Path p : List.of(dir, data)) {
                Files.setOwner(p, users.lookupPrincipalByName("mysql"));
                Files.setPosixFilePermissions(p, java.util.EnumSet.of(PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
            }
            ProcessResult inst = runner.run(ProcessSpec.of(bin("mariadb-install-db"), "--no-defaults", "--user=mysql",
                    "--datadir=" + data, "--auth-root-authentication-method=socket", "--skip-test-db")
                    .timeout(Duration.ofMinutes(5)).build());
            if (inst.cancelled()) {
                throw new CancelledException();
            }
            if (!inst.ok()) {
                throw new CfsException(ExitCode.FAILED, "mariadb-install-db of the scratch datadir failed: "
                        + lastLine(inst.stderrTail(), inst.exitCode()));
            }
            Path socket = dir.resolve("mysqld.sock");
            cancellation.check();
            server = start(dir, data, socket);
            awaitServer(server, dir, socket);
            o.startS = BootDrillOperation.seconds(r0);
            DumpRowCounter[] counter = new DumpRowCounter[1];
            AtomicReference<ProcessResult> load = new AtomicReference<>();
            ProcessResult dump = restic.dump(snap.id(), path, in -> {
                counter[0] = new DumpRowCounter(in);
                load.set(runner.run(ProcessSpec.of(client(socket, "--binary-mode", "--max-allowed-packet=1G"))
                        .stdin(counter[0]).build()));
            });
            if (dump.cancelled() || (load.get() != null && load.get().cancelled())) {
                throw new CancelledException();
            }
            o.restoreS = BootDrillOperation.seconds(r0);
            if (!dump.ok()) {
                o.problems.add(restic.failure("restic dump of " + path, dump).getMessage());
            }
            DumpRowCounter c = counter[0];
            o.files = c == null ? 0 : 1;
            o.bytes = c == null ? 0 : c.bytes;
            if (c != null && listed[0] >= 0 && c.bytes != listed[0]) {
                o.problems.add(path + ": " + c.bytes + " bytes read, " + listed[0] + " listed");
            }
            if (c != null && !c.tail().contains("-- Dump completed")) {
                o.problems.add(path + ": incomplete dump: no '-- Dump completed' trailer at its end");
            }
            ProcessResult l = load.get();
            if (l != null && !l.ok()) {
                o.boot("loading the dump into a throw-away mariadbd failed (mariadb exit " + l.exitCode() + "): "
                        + lastLine(l.stderrTail(), l.exitCode()));
            }
            if (c != null && o.problems.isEmpty() && o.bootProblems.isEmpty()) {
                if (c.databases.isEmpty()) {
                    o.boot(path + ": the dump names no database (dump with --databases or --all-databases)");
                } else {
                    compare(c, socket, o);
                }
            }
            if (o.problems.isEmpty() && o.bootProblems.isEmpty()) {
                o.secondsToHealthy = BootDrillOperation.seconds(r0);
                o.passedBy = "load";
            }
            o.scratchBytes = size(dir);
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "boot drill of the dump in " + dir + " failed: " + e.getMessage());
        } finally {
            if (server != null) {
                stop(server, socket(dir));
            }
            try {
                ScratchJournal.deleteTree(dir);
                journal.clear(ScratchJournal.Kind.PATH, dir.toString());
            } catch (IOException | CfsException e) {
                log.accept("could not remove the scratch datadir " + dir + " (the next command tries again): " + e.getMessage());
            }
        }
    }

    private static Path socket(Path dir) {
        return dir.resolve("mysqld.sock");
    }

    private List<String> client(Path socket, String... more) {
        List<String> a = new ArrayList<>(List.of(bin("mariadb"), "--no-defaults", "--protocol=socket",
                "--socket=" + socket, "--user=root"));
        a.addAll(List.of(more));
        return a;
    }

    /** Starts mariadbd as user mysql (setpriv execs it: the child's pid is the server's), journalled at once. */
    private Process start(Path dir, Path data, Path socket) throws IOException {
        List<String> cmd = List.of(bin("setpriv"), "--reuid=mysql", "--regid=mysql", "--init-groups", bin("mariadbd"),
                "--no-defaults", "--datadir=" + data, "--socket=" + socket, "--pid-file=" + dir.resolve("mariadbd.pid"),
                "--skip-networking", "--skip-log-bin", "--log-error=" + dir.resolve("error.log"),
                "--innodb-buffer-pool-size=256M", "--max-allowed-packet=1G", "--skip-name-resolve");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        // the window between start and this line is the one a kill -9 could leave a server in: the
        // datadir's entry (already journalled) names the folder; this one names the process
        journal.record(ScratchJournal.Kind.PROCESS, Long.toString(p.pid()), dir.toString(), command);
        return p;
    }

    private void awaitServer(Process server, Path dir, Path socket) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (cancellation.isCancelled()) {
                throw new CancelledException();
            }
            if (!server.isAlive()) {
                throw new CfsException(ExitCode.FAILED, "the throw-away mariadbd exited with code " + server.exitValue()
                        + " before it answered: " + errorLogTail(dir));
            }
            if (Files.exists(socket)) {
                ProcessResult r = runner.run(ProcessSpec.of(bin("mariadb-admin"), "--no-defaults", "--protocol=socket",
                        "--socket=" + socket, "--user=root", "ping").timeout(Duration.ofSeconds(10)).build());
                if (r.ok()) {
                    return;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException();
            }
        }
        throw new CfsException(ExitCode.FAILED, "the throw-away mariadbd did not answer within 90s: " + errorLogTail(dir));
    }

    private static String errorLogTail(Path dir) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("error.log"));
            return lines.isEmpty() ? "(empty error log)" : String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no error log)";
        }
    }

    /** Shuts the server down (mariadb-admin shutdown, then SIGTERM, then SIGKILL) and drops its journal entry. */
    private void stop(Process server, Path socket) {
        try {
            if (server.isAlive()) {
                runner.run(ProcessSpec.of(bin("mariadb-admin"), "--no-defaults", "--protocol=socket", "--socket=" + socket,
                        "--user=root", "shutdown").survivesCancel().timeout(Duration.ofSeconds(60)).build());
                if (!server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    server.destroy();
                    if (!server.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                        server.destroyForcibly();
                        server.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
                    }
                }
            }
            journal.clear(ScratchJournal.Kind.PROCESS, Long.toString(server.pid()));
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            server.destroyForcibly();
            log.accept("stopping the throw-away mariadbd: " + e.getMessage());
        }
    }

    /** Every table of the dump must exist in the loaded server with the dump's row count. */
    private void compare(DumpRowCounter c, Path socket, BootDrillOperation.Outcome o) {
        StringBuilder sql = new StringBuilder("SELECT table_schema, table_name FROM information_schema.tables"
                + " WHERE table_type = 'BASE TABLE';\n");
        List<String> counted = new ArrayList<>();
        for (String key : c.rows.keySet()) {
            String[] dt = key.split("\\.", 2);
            if (!NOT_COUNTED.contains(dt[0])) {
                counted.add(key);
            }
        }
        ProcessResult tables = runner.run(ProcessSpec.of(client(socket, "-N", "-B", "-e", sql.toString())).build());
        if (!tables.ok()) {
            o.boot("listing the loaded tables failed: " + lastLine(tables.stderrTail(), tables.exitCode()));
            return;
        }
        java.util.Set<String> present = new java.util.HashSet<>();
        for (String line : tables.stdout().split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 2) {
                present.add(f[0] + "." + f[1]);
            }
        }
        java.util.Set<String> dbsPresent = new java.util.HashSet<>();
        present.forEach(k -> dbsPresent.add(k.substring(0, k.indexOf('.'))));
        for (String d : c.databases) {
            if (!dbsPresent.contains(d) && c.rows.keySet().stream().anyMatch(k -> k.startsWith(d + "."))) {
                o.boot("database " + d + " of the dump is missing after the load");
            }
        }
        StringBuilder counts = new StringBuilder();
        List<String> asked = new ArrayList<>();
        for (String key : counted) {
            if (!present.contains(key)) {
                o.boot("table " + key + " of the dump is missing after the load");
                continue;
            }
            String[] dt = key.split("\\.", 2);
            counts.append("SELECT COUNT(*) FROM ").append(quote(dt[0])).append('.').append(quote(dt[1])).append(";\n");
            asked.add(key);
        }
        List<BootDrillReport.TableCount> out = new ArrayList<>();
        if (!asked.isEmpty()) {
            ProcessResult r = runner.run(ProcessSpec.of(client(socket, "-N", "-B")).stdin(
                    new java.io.ByteArrayInputStream(counts.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))).build());
            if (!r.ok()) {
                o.boot("counting the loaded rows failed: " + lastLine(r.stderrTail(), r.exitCode()));
                return;
            }
            String[] lines = r.stdout().strip().split("\n");
            for (int i = 0; i < asked.size(); i++) {
                String key = asked.get(i);
                long want = c.rows.get(key);
                Long got = i < lines.length ? parse(lines[i]) : null;
                String[] dt = key.split("\\.", 2);
                out.add(new BootDrillReport.TableCount(dt[0], dt[1], want, got));
                if (got == null || got != want) {
                    o.boot(String.format(Locale.ROOT, "table %s: the dump inserts %d rows, the loaded server counts %s",
                            key, want, got == null ? "none" : got.toString()));
                }
            }
        }
        o.tables = List.copyOf(out);
    }

    private static Long parse(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static long size(Path dir) {
        long[] n = {0};
        try (var w = Files.walk(dir)) {
            w.filter(Files::isRegularFile).forEach(p -> n[0] += p.toFile().length());
        } catch (IOException | java.io.UncheckedIOException e) {
            return n[0];
        }
        return n[0];
    }

    private static String lastLine(String text, int exit) {
        String t = text == null ? "" : text.strip();
        int nl = t.lastIndexOf('\n');
        t = nl >= 0 ? t.substring(nl + 1) : t;
        return t.isEmpty() ? "exit " + exit : t;
    }
}
