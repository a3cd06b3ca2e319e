package org.cfs.backup.cli;

import static org.cfs.backup.cli.ItEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.ExitCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: every fault leaves a consistent state. Each test reproduces one defect the fault
 * campaign found, against the real restic, rclone and Docker engine.
 */
class FaultsIT {
    private ItEnv env;
    private final List<Process> held = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        env = new ItEnv();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : held) {
            if (p.isAlive()) {
                sh("kill", "-INT", Long.toString(p.pid()));
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        env.close();
    }

    private void init() {
        ItEnv.Run r = env.cli("init");
        assertEquals(0, r.exit(), r.err());
    }

    /**
     * What a backup run killed after its first pass leaves: a {@code cfs-pass1} snapshot of TAG, and
     * no tidy mark (the run removed it before touching the repository; init had set it).
     */
    private void leftoverOfACrashedRun(String tag, String path) throws IOException {
        env.restic("backup", "--host", "it-host", "--tag", tag, "--tag", "cfs-pass1", path);
        Files.deleteIfExists(env.dir.resolve("state/backup.tidy"));
    }

    /** The config names one folder source NAME holding one file. */
    private Path oneFileSource(String name) throws IOException {
        Path data = Files.createDirectories(env.dir.resolve(name));
        Files.writeString(data.resolve("a"), "a");
        env.writeConfig("  - name: " + name + "\n    path: " + data + "\n");
        return data;
    }

    // ---- restic locks: a real restic holding one, alive or killed ----

    private long locks() throws IOException {
        Path dir = Path.of(env.repoPath(), "locks");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    /** A real restic backup --stdin that waits on its stdin, holding its (shared) lock while it lives. */
    private Process resticHoldingALock() throws Exception {
        long before = locks();
        ProcessBuilder pb = new ProcessBuilder("restic", "-r", "rclone:itdrive:" + env.repoPath(), "--cache-dir",
                env.dir.resolve("cache").toString(), "backup", "--stdin", "--stdin-filename", "held", "--host",
                "other-host").redirectErrorStream(true).redirectOutput(env.dir.resolve("held.log").toFile());
        pb.environment().put("RESTIC_PASSWORD_FILE", env.dir.resolve("pw").toString());
        pb.environment().put("RCLONE_CONFIG", env.dir.resolve("rclone.conf").toString());
        Process p = pb.start();
        held.add(p);
        for (int i = 0; i < 300 && locks() <= before; i++) {
            assertTrue(p.isAlive(), "restic holding a lock died: " + Files.readString(env.dir.resolve("held.log")));
            Thread.sleep(100); // restic writes its lock file a moment after it starts
        }
        assertTrue(locks() > before, "restic wrote its lock");
        return p;
    }

    /** A lock of a dead restic process of this host: what a kill -9 mid-backup leaves. */
    private void staleLock() throws Exception {
        Process p = resticHoldingALock();
        sh("kill", "-9", Long.toString(p.pid()));
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        // rclone (restic's backend child) notices its closed stdin and ends by itself
        assertTrue(locks() > 0, "the killed restic left its lock");
    }

    /** cfs-backup in a child JVM (so that it is a process of its own that ends), run to its end. */
    ItEnv.Run child(java.util.Map<String, String> extraEnv, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.cfs.backup.cli.Main", "-c", env.config.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(env.dir, "child", ".out");
        Path err = Files.createTempFile(env.dir, "child", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (extraEnv != null) {
            pb.environment().putAll(extraEnv);
        }
        Process p = pb.start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child cfs-backup ended");
        return new ItEnv.Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The sources' snapshots (a backup run also saves a cfs-config snapshot of the config: not counted here). */
    private JsonNode snapshots() {
        com.fasterxml.jackson.databind.node.ArrayNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        for (JsonNode s : env.resticJson("snapshots", "--json", "--no-lock")) {
            boolean config = false;
            for (JsonNode t : s.path("tags")) {
                config |= t.asText().equals("cfs-config");
            }
            if (!config) {
                out.add(s);
            }
        }
        return out;
    }

    private static long tagged(JsonNode snaps, String tag) {
        long n = 0;
        for (JsonNode s : snaps) {
            if (s.path("tags").toString().contains("\"" + tag + "\"")) {
                n++;
            }
        }
        return n;
    }

    // ---- defect 5: backup clears stale locks and forgets leftover first passes ----

    @Test
    void backupClearsAStaleLockAndForgetsItsFirstPass() throws Exception {
        String vol = env.volume("d5");
        String ctr = env.container("d5", vol);
        Files.writeString(env.mountpoint(vol).resolve("db"), "data");
        env.writeConfig("  - name: d5\n    volume: " + vol + "\n    consistency: stop\n");
        init();
        staleLock();

        ItEnv.Run r = env.cli("backup", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode src = r.json().get("sources").get(0);
        assertEquals("ok", src.get("status").asText());
        assertEquals(0, tagged(snapshots(), "cfs-pass1"), "the first pass was forgotten");
        assertEquals(0, locks(), "the stale lock was cleared");
        assertTrue(src.get("warning").isNull(), src.toString());
        assertEquals("running", ItEnv.state(ctr));
        // prune and check are no longer refused
        assertEquals(0, env.cli("check").exit());
    }

    @Test
    void aLeftoverFirstPassIsForgottenByTheNextBackup() throws Exception {
        Path data = oneFileSource("d5b");
        init();
        leftoverOfACrashedRun("d5b", data.toString());
        assertEquals(1, tagged(snapshots(), "cfs-pass1"));

        ItEnv.Run r = env.cli("backup", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode snaps = snapshots();
        assertEquals(0, tagged(snaps, "cfs-pass1"), snaps.toString());
        assertEquals(1, snaps.size());
    }

    @Test
    void aRunKilledAfterATidyRunStillHasItsFirstPassForgottenByTheNextBackup() throws Exception {
        // a clean run marks the repository tidy, so the next run skips its look for leftovers;
        // a run killed in its second pass must take that mark away before it leaves a first pass behind
        String vol = env.volume("d5t");
        String ctr = env.container("d5t", vol);
        Files.writeString(env.mountpoint(vol).resolve("db"), "data");
        env.writeConfig("  - name: d5t\n    volume: " + vol + "\n    consistency: stop\n");
        init();
        ItEnv.Run clean = env.cli("backup", "--json");
        assertEquals(0, clean.exit(), clean.err());
        assertTrue(Files.exists(env.dir.resolve("state/backup.tidy")), "a clean run leaves the mark");

        Files.writeString(env.mountpoint(vol).resolve("db"), "changed");
        ItEnv.Run crashed = child(java.util.Map.of("CFS_BACKUP_RESTIC",
                Path.of("src/test/scripts/crash-in-pass2-restic.sh").toAbsolutePath().toString()), "backup", "--json");
        assertEquals(137, crashed.exit(), "killed: " + crashed.err());
        assertEquals(1, tagged(snapshots(), "cfs-pass1"), "the crash left its first pass");

        ItEnv.Run next = env.cli("backup", "--json");
        assertEquals(0, next.exit(), next.err());
        assertEquals(0, tagged(snapshots(), "cfs-pass1"), "the next backup forgot it");
        assertEquals("running", ItEnv.state(ctr));
        assertTrue(Files.exists(env.dir.resolve("state/backup.tidy")));
    }

    @Test
    void aRunThatCouldNotForgetALeftoverLeavesNoTidyMarkSoTheNextRunForgetsIt() throws Exception {
        // regression: a run whose look found a leftover but could not forget it (a live lock) still
        // ended ok and marked the repository tidy, so no later run looked again
        Path data = oneFileSource("d5d");
        init();
        leftoverOfACrashedRun("d5d", data.toString());
        Process holder = resticHoldingALock(); // a live lock: forget cannot take its exclusive lock
        ItEnv.Run r = env.cli("backup", "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, tagged(snapshots(), "cfs-pass1"), "the leftover could not go yet");
        assertFalse(Files.exists(env.dir.resolve("state/backup.tidy")), "not tidy while a leftover remains");

        sh("kill", "-INT", Long.toString(holder.pid()));
        assertTrue(holder.waitFor(20, TimeUnit.SECONDS));
        ItEnv.Run next = env.cli("backup", "--json");
        assertEquals(0, next.exit(), next.err());
        assertEquals(0, tagged(snapshots(), "cfs-pass1"), "the next backup looked again and forgot it");
        assertTrue(Files.exists(env.dir.resolve("state/backup.tidy")));
    }

    // ---- issue 13: the look for leftovers runs beside the sources when no lock can block them ----

    /** One restic call as {@code log-restic.sh} logged it: its subcommand, start and end (ns), exit code. */
    private record Call(String sub, long start, long end, int exit) {
    }

    private ItEnv.Run loggedBackup(Path log) throws Exception {
        return child(java.util.Map.of("CFS_BACKUP_RESTIC", Path.of("src/test/scripts/log-restic.sh").toAbsolutePath().toString(),
                "CFS_TEST_RESTIC_LOG", log.toString()), "backup", "--json");
    }

    private static List<Call> calls(Path log) throws IOException {
        List<Call> out = new ArrayList<>();
        java.util.Map<String, long[]> open = new java.util.HashMap<>();
        List<String> order = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split(" ");
            if (f[0].equals("start")) {
                String key = f[1] + "#" + order.size();
                order.add(key);
                open.put(key, new long[] {Long.parseLong(f[2]), -1, -1});
            } else {
                // an end belongs to the earliest open call of its subcommand
                for (String key : order) {
                    long[] c = open.get(key);
                    if (key.startsWith(f[1] + "#") && c[1] < 0) {
                        c[1] = Long.parseLong(f[3]);
                        c[2] = Integer.parseInt(f[2]);
                        break;
                    }
                }
            }
        }
        for (String key : order) {
            long[] c = open.get(key);
            out.add(new Call(key.substring(0, key.indexOf('#')), c[0], c[1], (int) c[2]));
        }
        return out;
    }

    @Test
    void aFirstBackupIntoAnEmptyRepositoryStartsNoResticBeforeItsData() throws Exception {
        oneFileSource("f13");
        init();
        // issue 13: init saved the config as the new repository's first snapshot
        assertEquals(1, env.resticJson("snapshots", "--json", "--no-lock", "--tag", "cfs-config").size(),
                "init saved the config");
        assertTrue(Files.exists(env.dir.resolve("state/backup.tidy")), "init marked the new repository tidy");
        Path log = env.dir.resolve("restic-calls.log");
        ItEnv.Run r = loggedBackup(log);
        assertEquals(0, r.exit(), r.err());
        // the source's backup alone: no look at a new repository, no second config snapshot beside it
        assertFirstBackupRan(log, List.of("backup"), "still the one config snapshot");
    }

    /** The logged restic calls (version aside) were these, all exit 0; one source and one config snapshot; tidy. */
    private void assertFirstBackupRan(Path log, List<String> subs, String configWhy) throws IOException {
        List<Call> calls = calls(log);
        assertEquals(subs, calls.stream().map(Call::sub).filter(c -> !c.equals("version")).toList(), calls.toString());
        assertTrue(calls.stream().allMatch(c -> c.exit() == 0), calls.toString());
        assertEquals(1, snapshots().size());
        assertEquals(1, env.resticJson("snapshots", "--json", "--no-lock", "--tag", "cfs-config").size(), configWhy);
        assertTrue(Files.exists(env.dir.resolve("state/backup.tidy")));
    }

    @Test
    void aRepositoryMadeByResticItselfGetsTheConfigBesideItsFirstBackup() throws Exception {
        oneFileSource("f13r");
        env.restic("init");
        Path log = env.dir.resolve("restic-calls.log");
        ItEnv.Run r = loggedBackup(log);
        assertEquals(0, r.exit(), r.err());
        // the source's backup and the cfs-config snapshot (beside it); no look at an empty repository
        assertFirstBackupRan(log, List.of("backup", "backup"), "the config was saved beside the source");
    }

    @Test
    void aLeftoverFoundBesideTheSourcesIsForgottenAfterThemAndTheRunsOwnFirstPassStays() throws Exception {
        // no lock in the repository: the look runs beside the sources; what it found goes after them,
        // and the stop source's own first pass (listed too, perhaps) is forgotten once, by its source
        String vol = env.volume("f13b");
        String ctr = env.container("f13b", vol);
        Files.writeString(env.mountpoint(vol).resolve("db"), "data");
        env.writeConfig("  - name: f13b\n    volume: " + vol + "\n    consistency: stop\n");
        init();
        leftoverOfACrashedRun("f13b", env.mountpoint(vol).toString());
        assertEquals(1, tagged(snapshots(), "cfs-pass1"));
        assertEquals(0, locks());

        Path log = env.dir.resolve("restic-calls.log");
        ItEnv.Run r = loggedBackup(log);
        assertEquals(0, r.exit(), r.err());
        JsonNode src = r.json().get("sources").get(0);
        assertEquals("ok", src.get("status").asText(), src.toString());
        assertTrue(src.get("warning").isNull(), src.toString());
        JsonNode snaps = snapshots();
        assertEquals(0, tagged(snaps, "cfs-pass1"), snaps.toString());
        assertEquals(1, snaps.size(), snaps.toString());
        assertEquals("running", ItEnv.state(ctr));
        assertTrue(Files.exists(env.dir.resolve("state/backup.tidy")), "forgotten, so tidy: " + r.err());

        List<Call> calls = calls(log);
        List<Call> backups = calls.stream().filter(c -> c.sub().equals("backup")).toList();
        List<Call> forgets = calls.stream().filter(c -> c.sub().equals("forget")).toList();
        assertEquals(1, calls.stream().filter(c -> c.sub().equals("snapshots")).count(), calls.toString());
        assertEquals(2, forgets.size(), "the run's own first pass, then the leftover: " + calls);
        long lastBackupEnd = backups.stream().mapToLong(Call::end).max().orElseThrow();
        assertTrue(forgets.get(1).start() > lastBackupEnd, "the leftover is forgotten after the sources: " + calls);
        assertTrue(calls.stream().allMatch(c -> c.exit() == 0), calls.toString());
    }

    @Test
    void aFirstPassThatCannotBeForgottenIsAWarningInTheResult() throws Exception {
        String vol = env.volume("d5c");
        String ctr = env.container("d5c", vol);
        Files.writeString(env.mountpoint(vol).resolve("db"), "data");
        env.writeConfig("  - name: d5c\n    volume: " + vol + "\n    consistency: stop\n");
        init();
        Process holder = resticHoldingALock(); // a live lock: forget cannot take its exclusive lock

        ItEnv.Run r = env.cli("backup", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode src = r.json().get("sources").get(0);
        assertEquals("ok", src.get("status").asText(), "the backup itself is good");
        assertTrue(src.get("warning").asText().contains("cfs-pass1"), src.toString());
        assertEquals("running", ItEnv.state(ctr));

        sh("kill", "-INT", Long.toString(holder.pid()));
        assertTrue(holder.waitFor(20, TimeUnit.SECONDS));
        ItEnv.Run next = env.cli("backup", "--json");
        assertEquals(0, next.exit(), next.err());
        assertEquals(0, tagged(snapshots(), "cfs-pass1"), "the next backup forgot it");
    }

    // ---- defect 2: a failed dump's snapshot is really gone ----

    @Test
    void aFailedDumpIsForgottenDespiteAStaleLock() throws Exception {
        env.writeConfig("  - name: broken-dump\n    command: [sh, -c, 'echo \"-- partial dump\"; echo boom >&2; exit 3']\n");
        init();
        staleLock();
        ItEnv.Run r = env.cli("backup", "--json");
        assertEquals(ExitCode.FAILED, r.exit(), r.err());
        JsonNode src = r.json().get("sources").get(0);
        assertTrue(src.get("error").asText().contains("was removed"), src.toString());
        assertEquals(0, snapshots().size(), "no truncated dump stays as a snapshot");
    }

    @Test
    void aFailedDumpThatCannotBeForgottenFailsLoudlyAndGoesAtTheNextBackup() throws Exception {
        Path marker = env.dir.resolve("dump-fails");
        Files.writeString(marker, "");
        env.writeConfig("  - name: dump\n    command: [sh, -c, 'echo \"-- dump\"; if [ -e " + marker
                + " ]; then echo boom >&2; exit 3; fi']\n");
        init();
        Process holder = resticHoldingALock();
        ItEnv.Run r = env.cli("backup", "--json");
        assertEquals(ExitCode.FAILED, r.exit(), r.err());
        String error = r.json().get("sources").get(0).get("error").asText();
        assertTrue(error.contains("could NOT be removed"), error);
        assertEquals(1, snapshots().size());

        sh("kill", "-INT", Long.toString(holder.pid()));
        assertTrue(holder.waitFor(20, TimeUnit.SECONDS));
        Files.delete(marker);
        ItEnv.Run next = env.cli("backup", "--json");
        assertEquals(0, next.exit(), next.err());
        JsonNode snaps = snapshots();
        // the holder's own snapshot (host other-host) plus the good dump: the failed one is gone
        long mine = 0;
        for (JsonNode s : snaps) {
            if (s.get("hostname").asText().equals("it-host")) {
                mine++;
                assertEquals(next.json().get("sources").get(0).get("snapshot_id").asText(), s.get("short_id").asText());
            }
        }
        assertEquals(1, mine, snaps.toString());
    }

    // ---- defect 4: a failed `docker start` fails the source ----

    /** A docker CLI that refuses `start` while the marker exists, and is the real docker otherwise. */
    private java.util.Map<String, String> dockerFailingStart(Path marker) throws IOException {
        Path script = env.dir.resolve("docker-failing-start.sh");
        Files.writeString(script, "#!/bin/sh\nif [ \"$1\" = start ] && [ -e " + marker + " ]; then\n"
                + "  echo 'Error response from daemon: failed to start (test fault)' >&2; exit 1\nfi\nexec docker \"$@\"\n");
        script.toFile().setExecutable(true);
        java.util.Map<String, String> e = new java.util.HashMap<>(System.getenv());
        e.put("CFS_BACKUP_DOCKER", script.toString());
        return e;
    }

    @Test
    void aFailedDockerStartFailsTheSourceNamesTheContainerAndTheNextCommandRetries() throws Exception {
        String vol = env.volume("d4");
        String ctr = env.container("d4", vol);
        Files.writeString(env.mountpoint(vol).resolve("db"), "data");
        env.writeConfig("  - name: d4\n    volume: " + vol + "\n    consistency: stop\n");
        init();
        Path marker = env.dir.resolve("fail-start");
        Files.writeString(marker, "");
        java.util.Map<String, String> e = dockerFailingStart(marker);

        ItEnv.Run r = child(e, "backup", "--json"); // its own process: it has ended when the next command runs
        assertTrue(r.exit() == ExitCode.FAILED || r.exit() == ExitCode.PARTIAL, r.exit() + " " + r.err());
        JsonNode src = r.json().get("sources").get(0);
        assertEquals("failed", src.get("status").asText());
        assertTrue(src.get("error").asText().contains(ctr), src.toString());
        assertTrue(src.get("downtime_s").asDouble() > 0, src.toString());
        assertEquals("exited", ItEnv.state(ctr));
        assertTrue(Files.readString(env.dir.resolve("state/quiesce-journal.json")).contains(ctr), "the journal keeps it");

        Files.delete(marker);
        ItEnv.Run next = env.cli(e, new org.cfs.backup.process.Cancellation(), "snapshots");
        assertEquals(0, next.exit(), next.err());
        assertTrue(next.err().contains("started container " + ctr), next.err());
        assertFalse(next.err().contains("dead cfs-backup"), next.err());
        assertEquals("running", ItEnv.state(ctr));
        assertFalse(Files.exists(env.dir.resolve("state/quiesce-journal.json")));
    }

    // ---- defect 3: a container still stopping when the owner died is started once it has stopped ----

    /** A journal entry as a cfs-backup that has since died (pid of an ended process) wrote it. */
    private void journalOfDeadOwner(String container, String action, String volume, java.time.Instant since)
            throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String id = sh("docker", "inspect", "--format", "{{.Id}}", container);
        Files.createDirectories(env.dir.resolve("state"));
        Files.writeString(env.dir.resolve("state/quiesce-journal.json"), "[{\"pid\":" + gone.pid()
                + ",\"pidStart\":null,\"command\":\"backup\",\"container\":\"" + id + "\",\"name\":\"" + container
                + "\",\"action\":\"" + action + "\",\"volume\":\"" + volume + "\",\"since\":\"" + since + "\"}]");
    }

    @Test
    void aContainerStillStoppingWhenItsOwnerDiedIsWaitedForAndStarted() throws Exception {
        String vol = env.volume("d3");
        String ctr = "cfs-it-" + env.id + "-d3slow";
        // no --init: the shell is PID 1 and its SIGTERM handler takes 4 s
        sh("docker", "run", "-d", "--name", ctr, "-v", vol + ":/data", ItEnv.IMAGE, "/bin/sh", "-c",
                "trap 'sleep 4; exit 0' TERM; while true; do sleep 1; done");
        try {
            env.writeConfig("  - name: d3\n    volume: " + vol + "\n    consistency: stop\n");
            init();
            java.time.Instant since = java.time.Instant.now();
            Thread.sleep(1100); // StartedAt of a restart must be after `since`, to the second
            Process stop = new ProcessBuilder("docker", "stop", "-t", "30", ctr).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            journalOfDeadOwner(ctr, "stop", vol, since);
            Thread.sleep(500); // the engine has sent SIGTERM; the container is "running" while it shuts down
            assertEquals("running", ItEnv.state(ctr));

            ItEnv.Run next = env.cli("snapshots");
            assertEquals(0, next.exit(), next.err());
            assertTrue(next.err().contains("still stopping"), next.err());
            assertTrue(stop.waitFor(30, TimeUnit.SECONDS));
            assertEquals("running", ItEnv.state(ctr), "started again after its stop finished: " + next.err());
            assertFalse(Files.exists(env.dir.resolve("state/quiesce-journal.json")));
        } finally {
            sh("docker", "rm", "-f", ctr);
        }
    }

    @Test
    void anEntryOfAContainerRestartedSinceIsDroppedWithoutWaiting() throws Exception {
        String vol = env.volume("d3b");
        String ctr = env.container("d3b", vol);
        env.writeConfig("  - name: d3b\n    volume: " + vol + "\n    consistency: stop\n");
        init();
        java.time.Instant since = java.time.Instant.now().minusSeconds(5);
        sh("docker", "restart", "-t", "1", ctr);
        journalOfDeadOwner(ctr, "stop", vol, since);
        long t0 = System.nanoTime();
        ItEnv.Run next = env.cli("snapshots");
        assertEquals(0, next.exit(), next.err());
        assertTrue((System.nanoTime() - t0) / 1e9 < 10, "no wait for a container restarted after the entry");
        assertEquals("running", ItEnv.state(ctr));
        assertFalse(Files.exists(env.dir.resolve("state/quiesce-journal.json")));
    }

    // ---- defect 8: bad inputs ----

    @Test
    void aWorldReadablePasswordFileDrawsAWarningAndBadInputsExitTwo() throws Exception {
        Path data = Files.createDirectories(env.dir.resolve("d8"));
        env.writeConfig("  - name: d8\n    path: " + data + "\n");
        init();
        ItEnv.Run quiet = env.cli("snapshots");
        assertFalse(quiet.err().contains("warning: repository.password-file"), quiet.err());
        Files.setPosixFilePermissions(env.dir.resolve("pw"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        ItEnv.Run r = env.cli("snapshots");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("warning: repository.password-file") && r.err().contains("chmod 600"), r.err());

        Files.writeString(env.dir.resolve("pw"), "");
        ItEnv.Run empty = env.cli("backup");
        assertEquals(ExitCode.USAGE, empty.exit(), empty.err());
        assertTrue(empty.err().contains("empty"), empty.err());

        Files.writeString(env.dir.resolve("pw"), ItEnv.PASSWORD + "\n");
        Files.writeString(env.config, Files.readString(env.config).replaceFirst("url: \\S+", "url: garbage-url"));
        ItEnv.Run garbage = env.cli("backup");
        assertEquals(ExitCode.USAGE, garbage.exit(), garbage.err());
        assertTrue(garbage.err().contains("repository.url"), garbage.err());
    }

    // ---- defect 7: a remote that dies in the quiesced pass never keeps the container down for long ----

    @Test
    void aRemoteDeadInTheSecondPassResumesTheContainerFirstThenFailsWithTheRealDowntime() throws Exception {
        String vol = env.volume("d7");
        String ctr = env.container("d7", vol);
        Files.writeString(env.mountpoint(vol).resolve("db"), "data");
        env.writeConfig("  - name: d7\n    volume: " + vol + "\n    consistency: stop\n");
        init();
        java.util.Map<String, String> e = new java.util.HashMap<>();
        e.put("CFS_BACKUP_RESTIC", Path.of("src/test/scripts/dead-remote-restic.sh").toAbsolutePath().toString());
        e.put("CFS_BACKUP_PASS2_REMOTE_LIMIT_S", "4");
        long t0 = System.nanoTime();
        ItEnv.Run r = child(e, "backup", "--json");
        double took = (System.nanoTime() - t0) / 1e9;
        assertEquals(ExitCode.FAILED, r.exit(), r.err());
        JsonNode src = r.json().get("sources").get(0);
        assertEquals("failed", src.get("status").asText());
        assertTrue(src.get("error").asText().contains("did not answer"), src.toString());
        assertTrue(src.get("error").asText().contains("connection refused"), src.toString());
        double down = src.get("downtime_s").asDouble();
        assertTrue(down >= 4 && down < 15, "the real downtime, bounded: " + src);
        assertTrue(took < 60, "no minutes of waiting on a dead remote: " + took);
        assertEquals("running", ItEnv.state(ctr));
        assertFalse(Files.exists(env.dir.resolve("state/quiesce-journal.json")));
        assertEquals(0, tagged(snapshots(), "cfs-pass1"), "the first pass is forgotten all the same");
    }

    // ---- issue 13: a stopped volume proven unchanged since pass 1 keeps pass 1 (no quiesced pass) ----

    /** cfs-backup in a child JVM with the census' quiet margin at 0 (the tests' files are seconds old), restic maybe wrapped. */
    private ItEnv.Run quietBackup(String tagFault, String... args) throws Exception {
        java.util.Map<String, String> e = new java.util.HashMap<>();
        e.put("CFS_BACKUP_CENSUS_QUIET_S", "0");
        if (tagFault != null) {
            e.put("CFS_BACKUP_RESTIC", Path.of("src/test/scripts/tag-fault-restic.sh").toAbsolutePath().toString());
            e.put("CFS_TEST_TAG_FAULT", tagFault);
        }
        return child(e, args);
    }

    private static String startedAt(String container) {
        return sh("docker", "inspect", "--format", "{{.State.StartedAt}}", container);
    }

    /** A stop source {@code name} on a new volume holding {@code db} (and a subfolder), its container running. */
    private String quietVolume(String name) throws IOException {
        String vol = env.volume(name);
        Path mp = env.mountpoint(vol);
        Files.writeString(mp.resolve("db"), "data\n");
        Files.createDirectories(mp.resolve("sub"));
        Files.writeString(mp.resolve("sub/page"), "page");
        env.writeConfig("  - name: " + name + "\n    volume: " + vol + "\n    consistency: stop\n");
        return vol;
    }

    /** One quiet backup (restic maybe wrapped) that must end ok: its source's result. */
    private JsonNode quietOk(String tagFault) throws Exception {
        ItEnv.Run r = quietBackup(tagFault, "backup", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode src = r.json().get("sources").get(0);
        assertEquals("ok", src.get("status").asText(), src.toString());
        return src;
    }

    @Test
    void aStoppedVolumeUnchangedSincePass1KeepsPass1AsItsSnapshotAndResumesAtOnce() throws Exception {
        String vol = quietVolume("q1");
        String ctr = env.container("q1", vol);
        init();
        String before = startedAt(ctr);
        ItEnv.Run r = quietBackup(null, "backup", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode src = r.json().get("sources").get(0);
        assertEquals("ok", src.get("status").asText(), src.toString());
        JsonNode passes = src.get("passes");
        assertEquals(2, passes.size(), src.toString());
        assertTrue(passes.get(1).get("skipped").asText().contains("unchanged"), src.toString());
        assertTrue(passes.get(1).get("snapshot_id").isNull(), "no second pass ran: " + src);
        assertNotEquals(before, startedAt(ctr), "the container really was stopped (and started again)");
        assertEquals("running", ItEnv.state(ctr));
        assertFalse(Files.exists(env.dir.resolve("state/quiesce-journal.json")));

        JsonNode snaps = snapshots();
        assertEquals(1, snaps.size(), "pass 1 rewritten without its tag, nothing else: " + snaps);
        JsonNode kept = snaps.get(0);
        assertEquals(0, tagged(snaps, "cfs-pass1"), snaps.toString());
        assertEquals(src.get("snapshot_id").asText(), kept.get("short_id").asText(), "the report names the kept snapshot");
        assertTrue(kept.get("original").asText().startsWith(passes.get(0).get("snapshot_id").asText()),
                "restic wrote pass 1 anew: " + kept);
        assertEquals("data", env.restic("dump", kept.get("short_id").asText(), env.mountpoint(vol) + "/db"));
        var hist = new org.cfs.backup.state.RunHistory(env.dir.resolve("state")).all().stream()
                .filter(h -> "backup".equals(h.job()) && "q1".equals(h.source())).toList();
        assertEquals(true, hist.get(hist.size() - 1).figures().get("pass2_skipped"), hist.toString());
        assertTrue(Files.exists(env.dir.resolve("state/backup.tidy")), "a clean run, the repository left tidy");

        ItEnv.Run text = quietBackup(null, "backup");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("no pass 2: unchanged since pass 1"), text.out());
        assertEquals(2, snapshots().size());
        assertEquals(0, tagged(snapshots(), "cfs-pass1"));
    }

    @Test
    void aContainerThatWritesAsItStopsGetsTheQuiescedPassWithItsLastWrite() throws Exception {
        // the census must see what a database flushes on SIGTERM: that write is the consistent state
        String vol = quietVolume("q2");
        String ctr = env.shellContainer("q2", vol,
                "trap 'echo flushed >> /data/db; exit 0' TERM; while true; do sleep 1; done");
        init();
        JsonNode src = quietOk(null);
        assertPass2Ran(src, ctr, "the stop wrote");
        assertEquals("data\nflushed", env.restic("dump", src.get("snapshot_id").asText(), env.mountpoint(vol) + "/db"));
        assertEquals(1, snapshots().size(), "pass 1 forgotten");
    }

    /** The quiesced pass ran (no census proof), made the source's snapshot, and the container runs again. */
    private static void assertPass2Ran(JsonNode src, String ctr, String why) {
        assertTrue(src.get("passes").get(1).get("skipped").isNull(), why + ": pass 2 ran: " + src);
        assertEquals(src.get("snapshot_id").asText(), src.get("passes").get(1).get("snapshot_id").asText(), src.toString());
        assertEquals("running", ItEnv.state(ctr));
    }

    @Test
    void aLockOfAnotherResticMeansTheQuiescedPassRunsAsAlways() throws Exception {
        // removing the tag takes an exclusive lock, which another restic's lock would refuse
        String vol = quietVolume("q3");
        String ctr = env.container("q3", vol);
        init();
        resticHoldingALock();
        assertPass2Ran(quietOk(null), ctr, "another restic's lock");
    }

    @Test
    void aTagThatCannotBeRemovedStopsTheContainersAgainForTheQuiescedPass() throws Exception {
        String vol = quietVolume("q4");
        String ctr = env.container("q4", vol);
        init();
        ItEnv.Run r = quietBackup("fail", "backup", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode src = r.json().get("sources").get(0);
        assertEquals("ok", src.get("status").asText(), src.toString());
        assertTrue(src.get("passes").get(1).get("skipped").isNull(), "the quiesced pass ran after all: " + src);
        assertTrue(r.err().contains("could not be removed") && r.err().contains("stopping the containers again"), r.err());
        JsonNode snaps = snapshots();
        assertEquals(1, snaps.size(), snaps.toString());
        assertEquals(0, tagged(snaps, "cfs-pass1"), "pass 1 forgotten after the quiesced pass: " + snaps);
        assertEquals(src.get("snapshot_id").asText(), snaps.get(0).get("short_id").asText());
        assertTrue(src.get("downtime_s").asDouble() > 0, src.toString());
        assertEquals("running", ItEnv.state(ctr));
    }

    @Test
    void aKillBeforeTheTagLeavesTheContainerRunningAndALeftoverTheNextBackupForgets() throws Exception {
        killAroundTheTag("kill-before");
    }

    @Test
    void aKillAfterTheTagLeavesTheContainerRunningAndAGoodSnapshot() throws Exception {
        killAroundTheTag("kill-after");
    }

    private void killAroundTheTag(String fault) throws Exception {
        String vol = quietVolume("q5");
        String ctr = env.container("q5", vol);
        init();
        ItEnv.Run killed = quietBackup(fault, "backup", "--json");
        assertEquals(137, killed.exit(), killed.err());
        assertEquals("running", ItEnv.state(ctr), "resumed before the tag");
        assertFalse(Files.exists(env.dir.resolve("state/quiesce-journal.json")));
        JsonNode left = snapshots();
        assertEquals(1, left.size(), left.toString());
        // before the tag: pass 1 with its tag (a leftover); after it: the rewritten snapshot, a good one
        boolean before = fault.equals("kill-before");
        assertEquals(before ? 1 : 0, tagged(left, "cfs-pass1"), left.toString());

        ItEnv.Run next = env.cli("backup", "--json");
        assertEquals(0, next.exit(), next.err());
        JsonNode snaps = snapshots();
        assertEquals(0, tagged(snaps, "cfs-pass1"), "no leftover after the next backup: " + snaps);
        assertEquals(before ? 1 : 2, snaps.size(), snaps.toString());
        assertEquals("running", ItEnv.state(ctr));
    }
}
