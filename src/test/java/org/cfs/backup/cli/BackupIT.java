package org.cfs.backup.cli;

import static org.cfs.backup.cli.ItEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.ExitCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The backup core against the real restic, rclone (local remote), Docker engine and MariaDB. */
class BackupIT {
    private static final Path SCRIPTS = Path.of("src/test/scripts").toAbsolutePath();
    private ItEnv env;

    @BeforeEach
    void setUp() throws IOException {
        env = new ItEnv();
    }

    @AfterEach
    void tearDown() throws IOException {
        env.close();
    }

    private void init() {
        ItEnv.Run r = env.cli("init");
        assertEquals(0, r.exit(), r.err());
    }

    // ---- path sources: every kind of file, byte for byte after a raw restic restore ----

    @Test
    void pathSourceKeepsEveryKindOfFileExactly() throws Exception {
        Path data = Files.createDirectories(env.dir.resolve("data"));
        Files.writeString(data.resolve("file with spaces.txt"), "spaces\n");
        Files.writeString(data.resolve("Grüße-ünïcødé-日本.txt"), "unicode\n");
        Files.createDirectories(data.resolve("empty/nested-empty"));
        Files.createDirectories(data.resolve("dir"));
        Files.write(data.resolve("dir/random.bin"), randomBytes(300_000));
        Files.createSymbolicLink(data.resolve("rel-link"), Path.of("dir/random.bin"));
        Files.createSymbolicLink(data.resolve("dangling-link"), Path.of("/nonexistent/target"));
        Files.createLink(data.resolve("hardlink-b"), Files.writeString(data.resolve("hardlink-a"), "linked\n"));
        try (RandomAccessFile sparse = new RandomAccessFile(data.resolve("sparse.img").toFile(), "rw")) {
            sparse.setLength(64L * 1024 * 1024);
            sparse.seek(32L * 1024 * 1024);
            sparse.write("middle".getBytes(StandardCharsets.UTF_8));
        }
        Path secret = Files.writeString(data.resolve("dir/id_ed25519"), "private key\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.setAttribute(secret, "unix:uid", 1000);
        Files.setAttribute(secret, "unix:gid", 1000);
        Files.setLastModifiedTime(data.resolve("file with spaces.txt"), FileTime.fromMillis(1_500_000_000_000L));

        env.writeConfig("  - name: files\n    path: " + data + "\n");
        init();
        ItEnv.Run r = env.cli("backup", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = r.json();
        assertEquals("ok", j.get("status").asText());
        JsonNode src = j.get("sources").get(0);
        assertEquals("files", src.get("source").asText());
        assertEquals("ok", src.get("status").asText());
        assertEquals(8, src.get("snapshot_id").asText().length());
        assertTrue(src.get("duration_s").asDouble() > 0);
        assertEquals(0.0, src.get("downtime_s").asDouble());
        assertTrue(src.get("error").isNull());

        Path restored = env.dir.resolve("restored");
        env.restic("restore", "latest", "--tag", "files", "--target", restored.toString());
        Path copy = restored.resolve(data.toString().substring(1));
        assertEquals(describeTree(data), describeTree(copy));
        assertEquals(Files.getAttribute(copy.resolve("hardlink-a"), "unix:ino"),
                Files.getAttribute(copy.resolve("hardlink-b"), "unix:ino"), "hard link kept");
        assertEquals(1000, Files.getAttribute(copy.resolve("dir/id_ed25519"), "unix:uid"));

        JsonNode snaps = env.resticJson("snapshots", "--json", "--tag", "files");
        assertEquals(1, snaps.size());
        assertEquals("it-host", snaps.get(0).get("hostname").asText());
        assertEquals("files", snaps.get(0).get("tags").get(0).asText());

        ItEnv.Run list = env.cli("snapshots", "--json");
        assertEquals(0, list.exit(), list.err());
        JsonNode row = list.json().get(0);
        assertEquals("files", row.get("source").asText());
        assertEquals(snaps.get(0).get("id").asText(), row.get("id").asText());
        assertEquals(snaps.get(0).get("short_id").asText(), row.get("short_id").asText());
        assertEquals(data.toString(), row.get("paths").get(0).asText());
        assertNotNull(row.get("time"));
        assertTrue(row.get("tags").isArray());
    }

    /** path -> type, size, mode, owner, mtime (ms), content hash or link target. */
    private static Map<String, String> describeTree(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link->" + Files.readSymbolicLink(p));
                    continue;
                }
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime",
                        LinkOption.NOFOLLOW_LINKS);
                String what = Files.isDirectory(p) ? "dir" : "file:" + hash(p);
                String mtime = Files.isDirectory(p) ? "" : " mtime=" + ((FileTime) a.get("lastModifiedTime")).toMillis();
                out.put(rel, what + " mode=" + Integer.toOctalString((Integer) a.get("mode")) + " uid=" + a.get("uid")
                        + " gid=" + a.get("gid") + (Files.isDirectory(p) ? "" : " size=" + a.get("size")) + mtime);
            }
        }
        return out;
    }

    private static String hash(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(p)) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new java.util.Random(42).nextBytes(b);
        return b;
    }

    // ---- volumes: stop consistency really stops and restarts the container ----

    @Test
    void stopConsistencyStopsTheContainerOnlyForTheSecondPassAndStartsItAgain() throws Exception {
        String vol = env.volume("webui");
        String ctr = env.container("webui", vol);
        Path mp = env.mountpoint(vol);
        Files.write(mp.resolve("webui.db"), randomBytes(5_000_000));
        String startedBefore = sh("docker", "inspect", "--format", "{{.State.StartedAt}}", ctr);

        env.writeConfig("  - name: open-webui\n    volume: " + vol + "\n    consistency: stop\n");
        init();
        ItEnv.Run r = env.cli("backup", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode src = r.json().get("sources").get(0);
        assertEquals("ok", src.get("status").asText());
        double downtime = src.get("downtime_s").asDouble();
        assertTrue(downtime > 0, "downtime measured");
        assertTrue(downtime < src.get("duration_s").asDouble(), "downtime covers only the second pass");

        assertEquals("running", ItEnv.state(ctr));
        String startedAfter = sh("docker", "inspect", "--format", "{{.State.StartedAt}}", ctr);
        assertNotEquals(startedBefore, startedAfter, "the container was really stopped and started again");

        JsonNode snaps = env.resticJson("snapshots", "--json", "--tag", "open-webui");
        assertEquals(1, snaps.size(), "the first pass's snapshot was forgotten");
        assertFalse(snaps.get(0).get("tags").toString().contains("cfs-pass1"));
        assertEquals(mp.toString(), snaps.get(0).get("paths").get(0).asText());
        assertFalse(Files.exists(env.dir.resolve("state/quiesce-journal.json")), "journal cleared");
    }

    @Test
    void pauseConsistencyPausesAndUnpauses() throws Exception {
        String vol = env.volume("paused");
        String ctr = env.container("paused", vol);
        Files.writeString(env.mountpoint(vol).resolve("f"), "x");
        env.writeConfig("  - name: p\n    volume: " + vol + "\n    consistency: pause\n");
        init();
        ItEnv.Run r = env.cli("backup", "--json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.json().get("sources").get(0).get("downtime_s").asDouble() > 0);
        assertEquals("running", ItEnv.state(ctr));
    }

    @Test
    void missingVolumeFailsOnlyItsSource() throws Exception {
        Path data = Files.createDirectories(env.dir.resolve("ok-data"));
        Files.writeString(data.resolve("a"), "a");
        env.writeConfig("  - name: ghost\n    volume: cfs-it-" + env.id + "-does-not-exist\n"
                + "  - name: fine\n    path: " + data + "\n");
        init();
        ItEnv.Run r = env.cli("backup", "--json");
        assertEquals(ExitCode.PARTIAL, r.exit(), r.err());
        JsonNode j = r.json();
        assertEquals("partial", j.get("status").asText());
        assertEquals("failed", j.get("sources").get(0).get("status").asText());
        assertTrue(j.get("sources").get(0).get("error").asText().contains("does not exist"));
        assertEquals("ok", j.get("sources").get(1).get("status").asText());
        assertTrue(Files.readString(env.dir.resolve("log/cfs-backup.log")).contains("source=ghost"));
    }

    // ---- command sources ----

    @Test
    void mariadbDumpIsStreamedIntoRestic() throws Exception {
        String db = "cfs_it_" + env.id;
        sh("mariadb", "-e", "CREATE DATABASE " + db + "; CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(20));"
                + " INSERT INTO " + db + ".t VALUES (1,'alpha'),(2,'beta');");
        try {
            env.writeConfig("  - name: mariadb\n    command: [mariadb-dump, --single-transaction, --databases, " + db + "]\n"
                    + "    stdin-filename: mariadb/all-databases.sql\n");
            init();
            ItEnv.Run r = env.cli("backup", "--json");
            assertEquals(0, r.exit(), r.err());
            String dump = env.restic("dump", "--tag", "mariadb", "latest", "/mariadb/all-databases.sql");
            assertTrue(dump.contains("INSERT INTO `t` VALUES"), dump);
            assertTrue(dump.contains("(1,'alpha')") && dump.contains("(2,'beta')"), dump);
            assertTrue(dump.contains("-- Dump completed"));
        } finally {
            sh("mariadb", "-e", "DROP DATABASE IF EXISTS " + db);
        }
    }

    @Test
    void dumpThatFailsHalfWayLeavesNoSnapshot() throws Exception {
        env.writeConfig("  - name: broken-dump\n    command: [sh, -c, 'echo \"-- partial dump\"; echo boom >&2; exit 3']\n");
        init();
        ItEnv.Run r = env.cli("backup", "--json");
        assertEquals(ExitCode.FAILED, r.exit(), r.err());
        JsonNode src = r.json().get("sources").get(0);
        assertEquals("failed", src.get("status").asText());
        assertTrue(src.get("error").asText().contains("exited 3"), src.get("error").asText());
        assertTrue(src.get("error").asText().contains("boom"));
        assertEquals(0, env.resticJson("snapshots", "--json", "--tag", "broken-dump").size(), "the failed dump's snapshot was removed");
    }

    // ---- hooks ----

    @Test
    void failingBeforeHookSkipsTheSourceAndAfterHookSeesTheOutcome() throws Exception {
        Path data = Files.createDirectories(env.dir.resolve("hooked"));
        Files.writeString(data.resolve("a"), "a");
        Path afterLog = env.dir.resolve("after.log");
        env.writeConfig("  - name: hooked\n    path: " + data + "\n    before: [sh, -c, 'exit 4']\n"
                + "    after: [sh, -c, 'echo \"$CFS_BACKUP_SOURCE $CFS_BACKUP_STATUS\" > " + afterLog + "']\n");
        init();
        ItEnv.Run r = env.cli("backup", "--json");
        assertEquals(ExitCode.FAILED, r.exit());
        assertTrue(r.json().get("sources").get(0).get("error").asText().contains("before hook sh exited 4"));
        assertEquals("hooked failed", Files.readString(afterLog).strip());
        assertEquals(0, env.resticJson("snapshots", "--json", "--tag", "hooked").size());
    }

    // ---- crash safety: kill -9, SIGINT, the lock, secrets ----

    /** cfs-backup in a child JVM with the stand-in restic, so that it can be killed or signalled. */
    private Process childCli(Path marker, Path argvLog, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.cfs.backup.cli.Main", "-c", env.config.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(env.dir.resolve("child.log").toFile());
        Map<String, String> e = pb.environment();
        e.put("CFS_BACKUP_RESTIC", SCRIPTS.resolve("slow-restic.sh").toString());
        if (marker != null) {
            e.put("CFS_IT_SLOW_MARKER", marker.toString());
        }
        e.put("CFS_IT_ARGV_LOG", argvLog.toString());
        return pb.start();
    }

    private Process childBackup(Path marker, Path argvLog) throws IOException {
        return childCli(marker, argvLog, "backup");
    }

    private static void await(Path marker, Process child) throws InterruptedException {
        for (int i = 0; i < 600 && !Files.exists(marker); i++) {
            assertTrue(child.isAlive(), "child ended before the second pass");
            Thread.sleep(100); // polling a file written by another process; no event to wait on
        }
        assertTrue(Files.exists(marker), "second pass reached");
    }

    /** A `stop` backup of the container's volume in a child JVM, held in its second pass. */
    private Process childInSecondPass(String source, String container) throws Exception {
        String vol = ItEnv.sh("docker", "inspect", "--format", "{{range .Mounts}}{{.Name}}{{end}}", container);
        Files.writeString(env.mountpoint(vol).resolve("db"), "data");
        env.writeConfig("  - name: " + source + "\n    volume: " + vol + "\n    consistency: stop\n");
        init();
        Path marker = env.dir.resolve("pass2");
        Process child = childBackup(marker, env.dir.resolve("argv.log"));
        await(marker, child);
        return child;
    }

    @Test
    void killMinusNineWhileStoppedThenAnyNextCommandStartsTheContainerAgain() throws Exception {
        String ctr = env.container("killed", env.volume("killed"));
        Process child = childInSecondPass("killed", ctr);
        assertEquals("exited", ItEnv.state(ctr), "stopped during the second pass");

        ItEnv.Run busy = env.cli("backup");
        assertEquals(ExitCode.BUSY, busy.exit(), busy.err());
        assertTrue(busy.err().contains("pid " + child.pid()), busy.err());
        assertTrue(busy.err().contains("command backup"), busy.err());

        ItEnv.Run statusWhileAlive = env.cli("snapshots");
        assertEquals(0, statusWhileAlive.exit(), statusWhileAlive.err());
        assertEquals("exited", ItEnv.state(ctr), "a live owner's container is left alone");

        child.descendants().forEach(ProcessHandle::destroyForcibly);
        sh("kill", "-9", Long.toString(child.pid()));
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        assertEquals("exited", ItEnv.state(ctr));

        ItEnv.Run next = env.cli("snapshots");
        assertEquals(0, next.exit(), next.err());
        assertTrue(next.err().contains("started container"), next.err());
        assertEquals("running", ItEnv.state(ctr));
        assertFalse(Files.exists(env.dir.resolve("state/quiesce-journal.json")));
        assertTrue(Files.readString(env.dir.resolve("log/cfs-backup.log")).contains("op=reconcile"));
        assertTrue(Files.readString(env.dir.resolve("state/alerts.json")).contains("reconciled:" + ctr),
                "an alert tells a human about the crash");
        ItEnv.Run again = env.cli("backup", "--json");
        assertEquals(0, again.exit(), again.err());
        assertFalse(Files.readString(env.dir.resolve("state/alerts.json")).contains("reconciled:" + ctr),
                "cleared by the next good backup");
    }

    @Test
    void sigintDuringTheSecondPassResumesTheContainerRecordsInterruptedAndExits130() throws Exception {
        String ctr = env.container("intr", env.volume("intr"));
        Process child = childInSecondPass("intr", ctr);
        sh("kill", "-INT", Long.toString(child.pid()));
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "exits within 30 s");
        assertEquals(ExitCode.INTERRUPTED, child.exitValue(), Files.readString(env.dir.resolve("child.log")));
        assertEquals("running", ItEnv.state(ctr));
        String history = Files.readString(env.dir.resolve("state/history.jsonl"));
        assertTrue(history.contains("\"status\":\"interrupted\""), history);
        try (Stream<Path> locks = Files.list(Path.of(env.repoPath(), "locks"))) {
            assertEquals(0, locks.count(), "no restic lock left behind");
        }
    }

    @Test
    void thePasswordNeverAppearsInLogsOutputOrAChildsCommandLine() throws Exception {
        Path data = Files.createDirectories(env.dir.resolve("d"));
        Files.writeString(data.resolve("a"), "a");
        env.writeConfig("  - name: d\n    path: " + data + "\n");
        init();
        Path argv = env.dir.resolve("argv.log");
        // a child JVM, so that the stand-in restic inherits CFS_IT_ARGV_LOG and logs its real argv
        Process p = childCli(null, argv, "-v", "backup", "--json");
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(env.dir.resolve("child.log")));
        String argvText = Files.readString(argv);
        assertTrue(argvText.contains("backup --json"), "the stand-in saw the command line: " + argvText);
        String everything = argvText + Files.readString(env.dir.resolve("child.log"))
                + Files.readString(env.dir.resolve("log/cfs-backup.log"))
                + Files.readString(env.dir.resolve("state/history.jsonl"));
        assertFalse(everything.contains(ItEnv.PASSWORD), "password leaked");
    }

    @Test
    void onATerminalAProgressLineShowsPercentBytesAndEta() throws Exception {
        Path data = Files.createDirectories(env.dir.resolve("tty-data"));
        Files.write(data.resolve("blob"), randomBytes(20_000_000));
        env.writeConfig("  - name: tty\n    path: " + data + "\n");
        init();
        // script(1) gives the child JVM a pseudo-terminal, as an operator's shell would
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = java + " -cp " + System.getProperty("java.class.path") + " org.cfs.backup.cli.Main -c "
                + env.config + " backup";
        Process p = new ProcessBuilder("script", "-qec", cmd, "/dev/null").redirectErrorStream(true)
                .redirectOutput(env.dir.resolve("tty.log").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String screen = Files.readString(env.dir.resolve("tty.log"));
        assertEquals(0, p.exitValue(), screen);
        assertTrue(screen.matches("(?s).*tty: +\\d+\\.\\d% .* / .*, ETA \\d+:\\d\\d.*"), screen);
        assertTrue(screen.contains("backup ok"), screen);
    }

    @Test
    void configErrorsExitTwoWithOneLineAndNoStackTrace() throws Exception {
        env.writeConfig("  - name: a\n    path: /x\n    volume: v\n");
        ItEnv.Run r = env.cli("backup");
        assertEquals(ExitCode.USAGE, r.exit());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("sources[0]"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        ItEnv.Run unknown = env.cli("backup", "no-such-source");
        assertEquals(ExitCode.USAGE, unknown.exit());
    }

    @Test
    void dryRunWritesNothingAndTouchesNoContainer() throws Exception {
        String vol = env.volume("dry");
        String ctr = env.container("dry", vol);
        Files.writeString(env.mountpoint(vol).resolve("f"), "x");
        String started = sh("docker", "inspect", "--format", "{{.State.StartedAt}}", ctr);
        env.writeConfig("  - name: dry\n    volume: " + vol + "\n    consistency: stop\n");
        init();
        ItEnv.Run r = env.cli("backup", "--dry-run", "--json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.json().get("sources").get(0).get("dry_run").asBoolean());
        // the one snapshot is the config init saved; the dry run added none
        assertEquals(0, env.resticJson("snapshots", "--json", "--tag", "dry").size());
        assertEquals(1, env.resticJson("snapshots", "--json").size());
        assertEquals(started, sh("docker", "inspect", "--format", "{{.State.StartedAt}}", ctr));
    }
}
