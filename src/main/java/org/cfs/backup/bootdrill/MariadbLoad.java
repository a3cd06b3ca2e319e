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
    private final org.cfs.backup.docker.Docker docker;

    MariadbLoad(Config config, Restic restic, org.cfs.backup.docker.Docker docker, ProcessRunner runner, ScratchJournal journal,
                Cancellation cancellation, Consumer<String> log, String command, Map<String, String> bins) {
        this.docker = docker;
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

    /** The command's container when it is {@code docker exec [OPTIONS] CONTAINER mariadb-dump ...}, else null. */
    static String execContainer(List<String> command) {
        if (command == null || command.size() < 3) {
            return null;
        }
        String prog = command.get(0);
        if (!(prog.equals("docker") || prog.endsWith("/docker")) || !command.get(1).equals("exec")) {
            return null;
        }
        java.util.Set<String> withValue = java.util.Set.of("-u", "--user", "-e", "--env", "-w", "--workdir", "--env-file",
                "--detach-keys");
        for (int i = 2; i < command.size(); i++) {
            String a = command.get(i);
            if (a.startsWith("-")) {
                if (withValue.contains(a)) {
                    i++;
                }
                continue;
            }
            return i + 1 < command.size() && DUMP_PROGRAM.matcher(command.get(i + 1)).find() ? a : null;
        }
        return null;
    }

    /** The throw-away server the dump is loaded into: how its client is run, and how it goes away. */
    private interface Server extends AutoCloseable {
        List<String> client(String... more);

        /** Scratch bytes in use now. */
        long used();

        @Override
        void close();
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
        long need = Math.max(0, listed[0]) * 2 + SERVER_OVERHEAD;
        String container = execContainer(s.command());
        long r0 = System.nanoTime();
        o.container = container;
        try (Server server = container != null ? containerServer(s, container, need) : hostServer(s, need, listed[0])) {
            o.startS = BootDrillOperation.seconds(r0);
            loadAndCheck(server, snap, path, listed[0], r0, o);
        }
    }

    private void checkFree(Path where, long need, long dumpBytes) {
        long free;
        try {
            free = Files.getFileStore(where).getUsableSpace();
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot read the free space of " + where + ": " + e.getMessage());
        }
        if (free < need) {
            throw new CfsException(ExitCode.FAILED, "not enough scratch space for a boot drill of the dump in " + where
                    + ": loading " + Size.human(Math.max(0, dumpBytes)) + " needs about " + Size.human(need) + ", "
                    + Size.human(free) + " free; nothing was loaded");
        }
    }

    /** A throw-away mariadbd of this host in a scratch datadir, run as user mysql. */
    private Server hostServer(SourceConfig s, long need, long dumpBytes) {
        Path parent = scratchParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot create " + parent + ": " + e.getMessage());
        }
        checkFree(parent, need, dumpBytes);
        Path dir = parent.resolve(BootDrillOperation.scratchName(s.name()));
        journal.record(ScratchJournal.Kind.PATH, dir.toString(), null, command);
        Process[] server = new Process[1];
        Path socket = dir.resolve("mysqld.sock");
        Server handle = new Server() {
            @Override
            public List<String> client(String... more) {
                List<String> a = new ArrayList<>(List.of(bin("mariadb"), "--no-defaults", "--protocol=socket",
                        "--socket=" + socket, "--user=root"));
                a.addAll(List.of(more));
                return a;
            }

            @Override
            public long used() {
                return size(dir);
            }

            @Override
            public void close() {
                if (server[0] != null) {
                    stop(server[0], socket);
                }
                try {
                    ScratchJournal.deleteTree(dir);
                    journal.clear(ScratchJournal.Kind.PATH, dir.toString());
                } catch (IOException | CfsException e) {
                    log.accept("could not remove the scratch datadir " + dir + " (the next command tries again): " + e.getMessage());
                }
            }
        };
        try {
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
                        + lastLine(inst));
            }
            cancellation.check();
            server[0] = start(dir, data, socket);
            awaitServer(server[0], dir, socket);
            return handle;
        } catch (IOException e) {
            handle.close();
            throw new CfsException(ExitCode.FAILED, "boot drill of the dump in " + dir + " failed: " + e.getMessage());
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    /** Where the throw-away server of the container path keeps its datadir and socket (the scratch volume). */
    static final String CONTAINER_DIR = "/var/lib/cfs-bootdrill";
    /** The server's start inside a scratch container of the live server's image (MariaDB or MySQL program names). */
    static final String CONTAINER_SCRIPT = "set -e; d=" + CONTAINER_DIR + "/data; mkdir -p \"$d\"; chown mysql:mysql " + CONTAINER_DIR + " \"$d\";"
            + " if command -v mariadb-install-db >/dev/null; then i=mariadb-install-db; else i=mysql_install_db; fi;"
            + " if command -v mariadbd >/dev/null; then m=mariadbd; else m=mysqld; fi;"
            + " \"$i\" --no-defaults --user=mysql --datadir=\"$d\" --auth-root-authentication-method=socket --skip-test-db"
            + " >" + CONTAINER_DIR + "/install.log 2>&1 || { cat " + CONTAINER_DIR + "/install.log >&2; exit 1; };"
            + " exec \"$m\" --no-defaults --user=mysql --datadir=\"$d\" --socket=" + CONTAINER_DIR + "/mysqld.sock"
            + " --skip-networking --skip-log-bin --max-allowed-packet=1G --innodb-buffer-pool-size=256M";

    /** A scratch container of the live server's image, on a scratch volume, with no network. */
    private Server containerServer(SourceConfig s, String live, long need) {
        com.fasterxml.jackson.databind.JsonNode c = docker.inspect("container", live);
        String image = c.path("Image").asText();
        String root = docker.rootDir();
        checkFree(Path.of(root.isEmpty() ? "/" : root), need, need);
        String name = BootDrillOperation.scratchName(s.name());
        String sock = CONTAINER_DIR + "/mysqld.sock";
        journal.record(ScratchJournal.Kind.VOLUME, name, live, command);
        boolean[] created = {false};
        String[] clientProgram = {"mariadb"};
        Server handle = new Server() {
            @Override
            public List<String> client(String... more) {
                List<String> a = new ArrayList<>(List.of(docker.binary(), "exec", "-i", name, clientProgram[0], "--no-defaults",
                        "--protocol=socket", "--socket=" + sock, "--user=root"));
                a.addAll(List.of(more));
                return a;
            }

            @Override
            public long used() {
                try {
                    return size(Path.of(docker.volume(name).mountpoint()));
                } catch (CfsException e) {
                    return -1;
                }
            }

            @Override
            public void close() {
                try {
                    if (created[0]) {
                        docker.removeContainerIfExists(name);
                        journal.clear(ScratchJournal.Kind.CONTAINER, name);
                    }
                    docker.removeVolumeIfExists(name);
                    journal.clear(ScratchJournal.Kind.VOLUME, name);
                } catch (CfsException e) {
                    log.accept("could not remove the boot drill's " + name + " (the next command tries again): " + e.getMessage());
                }
            }
        };
        try {
            docker.createVolume(name, List.of(BootDrillOperation.LABEL + "=1", BootDrillOperation.LABEL + ".source=" + s.name()));
            journal.record(ScratchJournal.Kind.CONTAINER, name, live, command);
            created[0] = true;
            List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--label", BootDrillOperation.LABEL + "=1",
                    "--label", BootDrillOperation.LABEL + ".source=" + s.name(), "--label", BootDrillOperation.LABEL + ".of=" + live,
                    "--network", "none", "--restart", "no", "--user", "0"));
            args.addAll(BootDrillOperation.LIMITS);
            args.addAll(List.of("--mount", "type=volume,source=" + name + ",target=" + CONTAINER_DIR,
                    "--entrypoint", "sh", image, "-c", CONTAINER_SCRIPT));
            docker.run("starting the throw-away server's container", args.toArray(String[]::new));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (true) {
                cancellation.check();
                String state = docker.state(name);
                if (!"running".equals(state)) {
                    throw new CfsException(ExitCode.FAILED, "the throw-away server's container (image of " + live + ") "
                            + state + " before it answered: " + String.join(" | ", docker.logTail(name, 5).lines().toList()));
                }
                ProcessResult r = docker.exec(name, List.of("sh", "-c", "if command -v mariadb-admin >/dev/null; then"
                        + " a=mariadb-admin; else a=mysqladmin; fi; \"$a\" --no-defaults --protocol=socket --socket=" + sock
                        + " --user=root ping >/dev/null && { command -v mariadb || command -v mysql; }"), Duration.ofSeconds(15));
                if (r.cancelled()) {
                    throw new CancelledException();
                }
                if (r.ok() && !r.stdout().isBlank()) {
                    clientProgram[0] = r.stdout().strip().lines().reduce((x, y) -> y).orElse("mariadb");
                    return handle;
                }
                if (System.nanoTime() > deadline) {
                    throw new CfsException(ExitCode.FAILED, "the throw-away server's container did not answer within 120s: "
                            + String.join(" | ", docker.logTail(name, 5).lines().toList()));
                }
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancelledException();
                }
            }
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    /** Streams the dump into the server while counting, then compares every table's rows. */
    private void loadAndCheck(Server server, Snapshot snap, String path, long listed, long r0, BootDrillOperation.Outcome o) {
        DumpRowCounter c = new DumpRowCounter();
        AtomicReference<ProcessResult> load = new AtomicReference<>();
        ProcessResult dump = restic.dump(snap.id(), path, in -> load.set(runner.run(
                ProcessSpec.of(server.client("--binary-mode", "--max-allowed-packet=1G")).stdin(c.watch(in)).build())));
        if (dump.cancelled() || (load.get() != null && load.get().cancelled())) {
            throw new CancelledException();
        }
        o.restoreS = BootDrillOperation.seconds(r0);
        if (!dump.ok()) {
            o.problems.add(restic.failure("restic dump of " + path, dump).getMessage());
        }
        boolean streamed = load.get() != null; // restic dump reached the loader
        o.files = streamed ? 1 : 0;
        o.bytes = c.bytes();
        if (listed >= 0 && c.bytes() != listed) {
            o.problems.add(path + ": " + c.bytes() + " bytes read, " + listed + " listed");
        }
        if (streamed && !c.tail().contains("-- Dump completed")) {
            o.problems.add(path + ": incomplete dump: no '-- Dump completed' trailer at its end");
        }
        ProcessResult l = load.get();
        if (l != null && !l.ok()) {
            o.boot("loading the dump into a throw-away mariadbd failed (mariadb exit " + l.exitCode() + "): "
                    + lastLine(l));
        }
        if (streamed && o.problems.isEmpty() && o.bootProblems.isEmpty()) {
            if (c.databases.isEmpty()) {
                o.boot(path + ": the dump names no database (dump with --databases or --all-databases)");
            } else {
                compare(c, server, o);
            }
        }
        if (o.problems.isEmpty() && o.bootProblems.isEmpty()) {
            o.secondsToHealthy = BootDrillOperation.seconds(r0);
            o.passedBy = "load";
        }
        long used = server.used();
        o.scratchBytes = used >= 0 ? used : Math.max(0, listed);
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
    private void compare(DumpRowCounter c, Server server, BootDrillOperation.Outcome o) {
        StringBuilder sql = new StringBuilder("SELECT table_schema, table_name FROM information_schema.tables"
                + " WHERE table_type = 'BASE TABLE';\n");
        List<String> counted = new ArrayList<>();
        for (String key : c.rows.keySet()) {
            String[] dt = key.split("\\.", 2);
            if (!NOT_COUNTED.contains(dt[0])) {
                counted.add(key);
            }
        }
        ProcessResult tables = runner.run(ProcessSpec.of(server.client("-N", "-B", "-e", sql.toString())).build());
        if (!tables.ok()) {
            o.boot("listing the loaded tables failed: " + lastLine(tables));
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
            ProcessResult r = runner.run(ProcessSpec.of(server.client("-N", "-B")).stdin(
                    new java.io.ByteArrayInputStream(counts.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))).build());
            if (!r.ok()) {
                o.boot("counting the loaded rows failed: " + lastLine(r));
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

    private static String lastLine(ProcessResult r) {
        String t = r.lastStderrLine();
        return t.isEmpty() ? "exit " + r.exitCode() : t;
    }
}
