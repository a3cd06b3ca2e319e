package org.cfs.backup.bootdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.cli.ItEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Boot drills with the real Docker engine, restic and sqlite3: images made here with
 * {@code docker import} of busybox and an entrypoint that checks its data like an app would.
 */
class BootDrillIT {
    static final String TAG = UUID.randomUUID().toString().substring(0, 8);
    /** Checks /data/marker on start (exit 3 when it is not "sound"), then touches /tmp/ready and runs. */
    static final String APP = "cfs-it-bootapp-" + TAG + ":1";
    /** The same app with a HEALTHCHECK on /tmp/ready. */
    static final String HEALTHY = "cfs-it-bootapp-" + TAG + ":health";
    static final String APP_SH = """
            #!/bin/sh
            m=$(cat /data/marker 2>/dev/null)
            if [ "$m" != "sound" ]; then echo "app: data check failed: marker is '$m'" >&2; exit 3; fi
            echo "app: data ok, user $(id -u), in $(pwd), mode $APP_MODE"
            if [ -n "$NEED_NET" ]; then
              until wget -q -T 1 -O /dev/null http://192.0.2.1/; do echo "app: waiting for the network"; sleep 1; done
            fi
            sleep "${START_DELAY:-0}"
            touch /tmp/ready
            exec sleep 3600
            """;

    ItEnv env;

    @BeforeAll
    static void images() throws Exception {
        Path root = Files.createTempDirectory("cfs-bootapp-");
        try {
            Files.createDirectories(root.resolve("bin"));
            Files.createDirectories(root.resolve("tmp"));
            Files.createDirectories(root.resolve("data"));
            Files.createDirectories(root.resolve("srv"));
            Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
            for (String a : List.of("sh", "sleep", "cat", "echo", "touch", "test", "wget", "id", "pwd", "true", "false", "[")) {
                Files.createSymbolicLink(root.resolve("bin/" + a), Path.of("busybox"));
            }
            Files.writeString(root.resolve("app.sh"), APP_SH);
            Files.setPosixFilePermissions(root.resolve("app.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
            importImage(root, APP, "ENTRYPOINT [\"/app.sh\"]");
            importImage(root, HEALTHY, "ENTRYPOINT [\"/app.sh\"]",
                    "HEALTHCHECK --interval=30s --retries=3 CMD [\"/bin/test\", \"-f\", \"/tmp/ready\"]");
        } finally {
            ItEnv.sh("rm", "-rf", root.toString());
        }
    }

    private static void importImage(Path root, String tag, String... changes) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("docker", "import"));
        for (String c : changes) {
            cmd.add("--change");
            cmd.add(c);
        }
        cmd.addAll(List.of("-", tag));
        Process tar = new ProcessBuilder("tar", "-C", root.toString(), "-c", ".").start();
        Process imp = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        tar.getInputStream().transferTo(imp.getOutputStream());
        imp.getOutputStream().close();
        String out = new String(imp.getInputStream().readAllBytes());
        assertTrue(imp.waitFor(60, TimeUnit.SECONDS) && imp.exitValue() == 0, out);
    }

    @AfterAll
    static void removeImages() {
        quiet("docker", "rmi", "-f", APP, HEALTHY);
    }

    @BeforeEach
    void setUp() throws Exception {
        env = new ItEnv();
    }

    @AfterEach
    void tearDown() throws Exception {
        env.close();
    }

    /** A volume with a sound marker, its app container running (as user 1000, in /srv, with env), backed up. */
    private String app(String suffix, String image, String... extraEnv) throws Exception {
        String vol = env.volume(suffix);
        Path mp = env.mountpoint(vol);
        Files.writeString(mp.resolve("marker"), "sound");
        ItEnv.sh("chown", "-R", "1000:1000", mp.toString());
        String name = "cfs-it-" + env.id + "-" + suffix + "-app";
        List<String> run = new java.util.ArrayList<>(List.of("docker", "run", "-d", "--name", name, "--user", "1000:1000",
                "--workdir", "/srv", "-e", "APP_MODE=production", "-v", vol + ":/data"));
        for (String e : extraEnv) {
            run.addAll(List.of("-e", e));
        }
        run.add(image);
        ItEnv.sh(run.toArray(String[]::new));
        // removed by env.close() before the volume (regression: a second @AfterEach removed the app
        // containers, JUnit ran it after env.close(), and every app's volume was left behind)
        env.track(name);
        return vol;
    }

    private void config(String yaml) throws Exception {
        env.writeConfig(yaml);
        assertEquals(0, env.cli("init").exit());
        ItEnv.Run b = env.cli("backup");
        assertEquals(0, b.exit(), b.toString());
    }

    /** Scratch containers and volumes of this test's sources (label cfs-backup.boot-drill.source). */
    private String scratchLeft(String source) {
        return ItEnv.sh("docker", "ps", "-a", "-q", "--filter", "label=cfs-backup.boot-drill.source=" + source) + "|"
                + ItEnv.sh("docker", "volume", "ls", "-q", "--filter", "label=cfs-backup.boot-drill.source=" + source);
    }

    @Test
    void appStartsOnSoundDataAndFailsNamingSourceAndExitAfterItsDataWasCorrupted() throws Exception {
        String vol = app("webui", APP);
        String src = "webui-" + env.id;
        config("""
                  - name: %s
                    volume: %s
                    boot-drill: {settle: 3s, timeout: 30s}
                """.formatted(src, vol));
        ItEnv.Run r = env.cli("drill", "--boot", "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode j = r.json();
        assertTrue(j.get("passed").asBoolean());
        JsonNode s = j.get("sources").get(0);
        assertEquals(src, s.get("source").asText());
        assertTrue(s.get("passed").asBoolean(), s.toString());
        assertEquals(1, s.get("files_verified").asLong());
        JsonNode boot = s.get("boot");
        assertTrue(boot.get("passed").asBoolean());
        assertEquals("settle", boot.get("passed_by").asText());
        assertTrue(boot.get("seconds_to_healthy").asDouble() >= 3.0, boot.toString());
        assertEquals(0, boot.get("problems").size());
        assertEquals("|", scratchLeft(src), "scratch container or volume left behind");
        // the live app was never touched
        assertEquals("running", ItEnv.state("cfs-it-" + env.id + "-webui-app"));
        assertEquals("sound", Files.readString(env.mountpoint(vol).resolve("marker")));

        // the data goes bad, and is backed up: the copy of the app refuses to start on it
        Files.writeString(env.mountpoint(vol).resolve("marker"), "garbage");
        assertEquals(0, env.cli("backup").exit());
        ItEnv.Run bad = env.cli("drill", "--boot", "--json");
        assertEquals(1, bad.exit(), bad.toString());
        JsonNode bs = bad.json().get("sources").get(0);
        assertFalse(bs.get("passed").asBoolean());
        assertFalse(bs.get("boot").get("passed").asBoolean());
        assertTrue(bs.get("boot").get("seconds_to_healthy").isNull());
        String problems = bs.get("boot").get("problems").toString();
        assertTrue(problems.contains("exited with code 3"), problems);
        assertTrue(problems.contains("data check failed: marker is 'garbage'"), problems);
        assertTrue(bad.err().contains("boot drill failed for " + src), bad.err());
        assertEquals("|", scratchLeft(src));
        // the run history has both
        String history = Files.readString(env.dir.resolve("state/history.jsonl"));
        assertTrue(history.contains("\"job\":\"boot-drill\",\"source\":\"" + src + "\""), history);
        assertTrue(history.contains("seconds_to_healthy"), history);
        // status shows the last boot drill of the source
        ItEnv.Run st = env.cli("status", "--json");
        assertEquals(0, st.exit(), st.toString());
        JsonNode ss = st.json().get("sources").get(0);
        assertEquals("failed", ss.get("last_boot_drill_status").asText(), ss.toString());
    }

    @Test
    void imageWithHealthcheckTurnsHealthyWithItsUserWorkdirAndEnvironment() throws Exception {
        String vol = app("health", HEALTHY, "START_DELAY=1");
        String src = "health-" + env.id;
        config("""
                  - name: %s
                    volume: %s
                """.formatted(src, vol));
        long t0 = System.nanoTime();
        ItEnv.Run r = env.cli("drill", "--boot", "--json", src);
        double took = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, r.exit(), r.toString());
        JsonNode boot = r.json().get("sources").get(0).get("boot");
        assertEquals("healthcheck", boot.get("passed_by").asText(), boot.toString());
        // the image's interval is 30 s: the drill asks every second, so healthy comes well before that
        assertTrue(boot.get("start_s").asDouble() >= 1.0 && took < 25, boot + " in " + took + " s");
        assertTrue(boot.get("seconds_to_healthy").asDouble() >= boot.get("start_s").asDouble());
    }

    @Test
    void probeThatNeverPassesFailsNamingTheTimeoutAndItsOutput() throws Exception {
        String vol = app("probe", APP);
        String src = "probe-" + env.id;
        config("""
                  - name: %s
                    volume: %s
                    boot-drill:
                      probe: [/bin/sh, -c, "echo not yet >&2; exit 7"]
                      timeout: 4s
                      settle: 1s
                """.formatted(src, vol));
        ItEnv.Run r = env.cli("drill", "--boot", "--json");
        assertEquals(1, r.exit(), r.toString());
        String problems = r.json().get("sources").get(0).get("boot").get("problems").toString();
        assertTrue(problems.contains("not healthy within the timeout of 4s"), problems);
        assertTrue(problems.contains("exit 7: not yet"), problems);
        assertEquals("|", scratchLeft(src));
    }

    @Test
    void appThatWaitsForTheNetworkFailsAtTheTimeoutInsteadOfHanging() throws Exception {
        String vol = app("net", HEALTHY, "NEED_NET=1");
        String src = "net-" + env.id;
        config("""
                  - name: %s
                    volume: %s
                    boot-drill: {timeout: 5s}
                """.formatted(src, vol));
        long t0 = System.nanoTime();
        ItEnv.Run r = env.cli("drill", "--boot", "--json");
        double took = (System.nanoTime() - t0) / 1e9;
        assertEquals(1, r.exit(), r.toString());
        String problems = r.json().get("sources").get(0).get("boot").get("problems").toString();
        assertTrue(problems.contains("not healthy within the timeout of 5s"), problems);
        assertTrue(problems.contains("waiting for the network"), problems);
        assertTrue(took < 40, "took " + took + " s");
        assertEquals("|", scratchLeft(src));
    }

    @Test
    void tornSqliteCopyIsNamedWhileTheSoundOnePasses() throws Exception {
        String vol = app("sqlite", APP);
        Path mp = env.mountpoint(vol);
        Path live = mp.resolve("live.db");
        ItEnv.sh("sqlite3", live.toString(), "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);"
                + " WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<3000)"
                + " INSERT INTO t(v) SELECT randomblob(900) FROM c;");
        ItEnv.sh("cp", live.toString(), mp.resolve("sound.sqlite").toString());
        // the app's other files: removing the torn copy below must not look like an emptied volume
        // to the backup's shrink check (issue 14: under half of the previous snapshot is partial)
        ItEnv.sh("dd", "if=/dev/urandom", "of=" + mp.resolve("assets.bin"), "bs=1M", "count=12", "status=none");
        // a copy taken mid-transaction: the spilled pages are in the file, the journal is not copied
        Files.createDirectories(mp.resolve("state"));
        ItEnv.sh("sqlite3", live.toString(), "PRAGMA cache_size=5;", "BEGIN;",
                "UPDATE t SET v=randomblob(1200) WHERE id % 3 = 0;", "DELETE FROM t WHERE id % 7 = 0;",
                ".shell cp " + live + " " + mp.resolve("state/webui-data") + "", "ROLLBACK;");
        Files.delete(live);
        String src = "sqlite-" + env.id;
        config("""
                  - name: %s
                    volume: %s
                    boot-drill: {settle: 1s}
                """.formatted(src, vol));
        ItEnv.Run r = env.cli("drill", "--boot", "--json");
        assertEquals(1, r.exit(), r.toString());
        JsonNode boot = r.json().get("sources").get(0).get("boot");
        assertEquals(2, boot.get("sqlite_checked").asInt(), boot.toString());
        String problems = boot.get("problems").toString();
        assertTrue(problems.contains("state/webui-data: SQLite database fails PRAGMA integrity_check"), problems);
        assertFalse(problems.contains("sound.sqlite"), problems);
        // the streaming drill finds it too, from the tar's bytes (only SQLite files are spooled to disk)
        ItEnv.Run stream = env.cli("drill", "--json");
        assertEquals(1, stream.exit(), stream.toString());
        String sp = stream.json().get("sources").get(0).get("problems").toString();
        assertTrue(sp.contains(mp + "/state/webui-data: SQLite database fails PRAGMA integrity_check"), sp);
        assertFalse(sp.contains("sound.sqlite"), sp);
        try (var left = Files.list(env.dir.resolve("state"))) {
            assertFalse(left.anyMatch(f -> f.getFileName().toString().startsWith("cfs-bootdrill-")));
        }
        // the streaming drill spools to tmpfs when it fits (this JVM ran the command): nothing left there either
        if (Files.isDirectory(Path.of("/dev/shm"))) {
            String mine = "cfs-bootdrill-sqlite-" + ProcessHandle.current().pid() + "-";
            try (var left = Files.list(Path.of("/dev/shm"))) {
                assertFalse(left.anyMatch(f -> f.getFileName().toString().startsWith(mine)));
            }
        }
        // the sound one alone passes
        Files.delete(mp.resolve("state/webui-data"));
        assertEquals(0, env.cli("backup").exit());
        ItEnv.Run ok = env.cli("drill", "--boot", "--json");
        assertEquals(0, ok.exit(), ok.toString());
        assertEquals(1, ok.json().get("sources").get(0).get("boot").get("sqlite_checked").asInt());
        assertEquals(0, env.cli("drill").exit());
    }

    @Test
    void pathSnapshotThatWouldNotFitTheScratchSpaceIsRefusedBeforeAnythingIsRestored() throws Exception {
        Path data = env.dir.resolve("project");
        Files.createDirectories(data);
        byte[] mib = new byte[1 << 20];
        new java.util.Random(5).nextBytes(mib);
        try (var out = Files.newOutputStream(data.resolve("big.bin"))) {
            for (int i = 0; i < 30; i++) {
                out.write(mib);
            }
        }
        Path state = env.dir.resolve("state");
        Files.createDirectories(state);
        ItEnv.sh("mount", "-t", "tmpfs", "-o", "size=80m", "tmpfs", state.toString());
        try {
            String src = "proj-" + env.id;
            config("""
                      - name: %s
                        path: %s
                    """.formatted(src, data));
            ItEnv.Run r = env.cli("drill", "--boot", "--json");
            assertEquals(1, r.exit(), r.toString());
            String problems = r.json().get("sources").get(0).get("boot").get("problems").toString();
            assertTrue(problems.contains("not enough scratch space for a boot drill in the state dir"), problems);
            assertTrue(problems.contains("the snapshot needs 30.0 MiB"), problems);
            try (var left = Files.list(state)) {
                assertFalse(left.anyMatch(f -> f.getFileName().toString().startsWith("cfs-bootdrill-")));
            }
        } finally {
            ItEnv.sh("umount", state.toString());
        }
    }

    @Test
    void pathSnapshotIsRestoredAndItsSqliteDatabasesChecked() throws Exception {
        Path data = env.dir.resolve("home");
        Files.createDirectories(data.resolve(".config"));
        ItEnv.sh("sqlite3", data.resolve(".config/history").toString(), "CREATE TABLE h(x); INSERT INTO h VALUES (1),(2);");
        Files.writeString(data.resolve("notes.txt"), "SQLite format 2 is not a header\n");
        String src = "home-" + env.id;
        config("""
                  - name: %s
                    path: %s
                """.formatted(src, data));
        ItEnv.Run r = env.cli("drill", "--boot", "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode s = r.json().get("sources").get(0);
        assertEquals("boot-path", s.get("mode").asText());
        assertEquals(2, s.get("files_verified").asLong());
        assertEquals(1, s.get("boot").get("sqlite_checked").asInt());
        try (var left = Files.list(env.dir.resolve("state"))) {
            assertFalse(left.anyMatch(f -> f.getFileName().toString().startsWith("cfs-bootdrill-")));
        }
    }

    @Test
    void killDashNineMidDrillLeavesNothingAfterTheNextCommand() throws Exception {
        String vol = app("kill", APP);
        String src = "kill-" + env.id;
        config("""
                  - name: %s
                    volume: %s
                    boot-drill: {settle: 100s, timeout: 110s}
                """.formatted(src, vol));
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "org.cfs.backup.cli.Main", "-c", env.config.toString(), "drill", "--boot")
                .redirectErrorStream(true).redirectOutput(env.dir.resolve("kill.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + 90_000_000_000L;
            String running = "";
            while (System.nanoTime() < deadline && running.isEmpty()) {
                Thread.sleep(300);
                running = ItEnv.sh("docker", "ps", "-q", "--filter", "label=cfs-backup.boot-drill.source=" + src);
            }
            assertFalse(running.isEmpty(), "the drill's container never ran: " + Files.readString(env.dir.resolve("kill.log")));
            ItEnv.sh("kill", "-9", Long.toString(p.pid()));
            p.waitFor(20, TimeUnit.SECONDS);
        } finally {
            p.destroyForcibly();
        }
        assertFalse("|".equals(scratchLeft(src)), "the kill left nothing to clean: not a mid-drill kill");
        assertTrue(Files.exists(env.dir.resolve("state/scratch-journal.json")));
        // any next command, a read-only one too, removes what the dead drill left
        ItEnv.Run st = env.cli("snapshots", "--json");
        assertEquals(0, st.exit(), st.toString());
        assertTrue(st.err().contains("removed scratch container"), st.err());
        assertEquals("|", scratchLeft(src));
        assertFalse(Files.exists(env.dir.resolve("state/scratch-journal.json")));
        try (var left = Files.list(env.dir.resolve("state"))) {
            assertFalse(left.anyMatch(f -> f.getFileName().toString().startsWith("cfs-bootdrill-")));
        }
        assertEquals("running", ItEnv.state("cfs-it-" + env.id + "-kill-app"));
    }

    @Test
    void cancelMidDrillRemovesTheScratchCopyAndExits130() throws Exception {
        String vol = app("cancel", APP);
        String src = "cancel-" + env.id;
        config("""
                  - name: %s
                    volume: %s
                    boot-drill: {settle: 100s, timeout: 110s}
                """.formatted(src, vol));
        org.cfs.backup.process.Cancellation cancel = new org.cfs.backup.process.Cancellation();
        Thread t = new Thread(() -> {
            long deadline = System.nanoTime() + 90_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (!ItEnv.sh("docker", "ps", "-q", "--filter", "label=cfs-backup.boot-drill.source=" + src).isEmpty()) {
                    cancel.cancel(); // what SIGTERM does
                    return;
                }
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        t.start();
        long t0 = System.nanoTime();
        ItEnv.Run r = env.cli(System.getenv(), cancel, "drill", "--boot");
        t.join();
        assertEquals(130, r.exit(), r.toString());
        assertTrue((System.nanoTime() - t0) / 1e9 < 60, "the cancel waited out the settle");
        assertEquals("|", scratchLeft(src));
        assertFalse(Files.exists(env.dir.resolve("state/scratch-journal.json")));
        assertEquals("running", ItEnv.state("cfs-it-" + env.id + "-cancel-app"));
    }

    static void quiet(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort
        }
    }
}
