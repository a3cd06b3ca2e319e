package org.cfs.backup.restore;

import static org.cfs.backup.cli.ItEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.cfs.backup.ExitCode;
import org.cfs.backup.cli.ItEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, defects 1 and 8: an in-place restore killed half-way through its swap is finished or
 * rolled back by whatever command runs next, before any container is resumed, and no backup is
 * taken of a volume whose swap is unfinished. The crash is laid out on disk exactly as
 * {@link TreeSwap#swap} leaves it at each phase.
 */
class SwapCrashIT {
    private ItEnv env;
    private String vol;
    private String ctr;
    private Path live;
    private TreeSwap.WorkDirs work;
    private Path staged;
    private final Set<String> oldNames = new TreeSet<>();
    private final Set<String> newNames = new TreeSet<>();

    @BeforeEach
    void setUp() throws Exception {
        env = new ItEnv();
        vol = env.volume("swap");
        ctr = env.container("swap", vol);
        live = env.mountpoint(vol);
        for (int i = 0; i < 200; i++) {
            Files.writeString(live.resolve("old-" + i), "old " + i);
            oldNames.add("old-" + i);
        }
        env.writeConfig("  - name: swap\n    volume: " + vol + "\n    consistency: stop\n");
        ItEnv.Run r = env.cli("init");
        assertEquals(0, r.exit(), r.err());
        work = TreeSwap.workDirs(live);
        staged = work.staging().resolve(live.toString().substring(1));
        Files.createDirectories(staged);
        for (int i = 0; i < 50; i++) {
            Files.writeString(staged.resolve("new-" + i), "new " + i);
            newNames.add("new-" + i);
        }
        sh("docker", "stop", "-t", "1", ctr);
    }

    @AfterEach
    void tearDown() throws IOException {
        for (Path p : List.of(work.staging(), work.old())) {
            if (Files.exists(p)) {
                sh("rm", "-rf", p.toString());
            }
        }
        env.close();
    }

    private void marker(String phase, Long pid, Long pidStart) throws IOException {
        Map<String, Object> m = new HashMap<>(Map.of("target", live.toString(), "staged", staged.toString(),
                "staging", work.staging().toString(), "old", work.old().toString(), "phase", phase));
        if (pid != null) {
            m.put("pid", pid);
            m.put("pidStartMillis", pidStart);
        }
        Path f = new TreeSwap(env.dir.resolve("state"), l -> { }).markerFile(live);
        Files.createDirectories(f.getParent());
        Files.writeString(f, RestoreFixture.JSON.writeValueAsString(m));
    }

    private Path markerFile() {
        return new TreeSwap(env.dir.resolve("state"), l -> { }).markerFile(live);
    }

    /** A quiesce-journal entry of a dead owner (an ended process) for the stopped container. */
    private void journalOfDeadOwner() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String id = sh("docker", "inspect", "--format", "{{.Id}}", ctr);
        Files.writeString(env.dir.resolve("state/quiesce-journal.json"), "[{\"pid\":" + gone.pid()
                + ",\"pidStart\":null,\"command\":\"restore\",\"container\":\"" + id + "\",\"name\":\"" + ctr
                + "\",\"action\":\"stop\",\"volume\":\"" + vol + "\",\"since\":\"" + java.time.Instant.now() + "\"}]");
    }

    private void move(Path from, Path to, int count) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.filter(p -> !p.getFileName().toString().startsWith(".cfs-restore")).limit(count).toList()) {
                Files.move(p, to.resolve(p.getFileName()));
            }
        }
    }

    private Set<String> names() throws IOException {
        try (Stream<Path> s = Files.list(live)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void killedWhileTheOldTreeMovedOutTheNextStatusRollsBackBeforeStartingTheContainer() throws Exception {
        move(live, work.old(), 120);
        marker("old-out", null, null);
        journalOfDeadOwner();

        ItEnv.Run r = env.cli("snapshots");
        assertEquals(0, r.exit(), r.err());
        assertEquals(oldNames, names(), "the volume holds its old contents again, nothing mixed");
        assertEquals("running", ItEnv.state(ctr));
        assertTrue(r.err().indexOf("rolled back") < r.err().indexOf("started container"), r.err());
        assertFalse(Files.exists(markerFile()));
        assertFalse(Files.exists(work.old()) || Files.exists(work.staging()), "no work folder left");
    }

    @Test
    void killedWhileTheNewTreeMovedInTheNextCommandRollsBack() throws Exception {
        move(live, work.old(), 1000);
        move(staged, live, 20);
        marker("new-in", null, null);
        journalOfDeadOwner();

        ItEnv.Run r = env.cli("backup", "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals(oldNames, names());
        assertEquals("running", ItEnv.state(ctr));
        // the backup that followed saved the old state, not a mix
        String ls = env.restic("ls", "latest", "--tag", "swap"); // the source's (a run also saves a cfs-config snapshot)
        assertTrue(ls.contains("/old-199") && !ls.contains("/new-"), ls);
    }

    @Test
    void killedInTheCleanUpTheNextCommandRemovesTheOldTree() throws Exception {
        move(live, work.old(), 1000);
        move(staged, live, 1000);
        marker("cleanup", null, null);
        journalOfDeadOwner();

        ItEnv.Run r = env.cli("snapshots");
        assertEquals(0, r.exit(), r.err());
        assertEquals(newNames, names(), "the restore is finished");
        assertFalse(Files.exists(work.old()), "the old tree is gone");
        assertFalse(Files.exists(work.staging()));
        assertEquals("running", ItEnv.state(ctr));
    }

    @Test
    void aSwapUnderWayInALiveProcessIsLeftAloneAndItsVolumeIsNotBackedUp() throws Exception {
        move(live, work.old(), 120);
        ProcessHandle me = ProcessHandle.current();
        // a live process other than the command's own (in-process here): the JVM's parent (Maven)
        ProcessHandle owner = me.parent().orElseThrow();
        marker("old-out", owner.pid(), owner.info().startInstant().orElseThrow().toEpochMilli());
        journalOfDeadOwner();

        ItEnv.Run r = env.cli("backup", "--json");
        assertEquals(ExitCode.FAILED, r.exit(), r.err());
        String error = r.json().get("sources").get(0).get("error").asText();
        assertTrue(error.contains("in-place restore") && error.contains("unfinished"), error);
        assertEquals("exited", ItEnv.state(ctr), "no container resumed on a volume with an unfinished swap");
        assertTrue(Files.exists(markerFile()), "another process's swap is not touched");
        assertEquals(0, env.resticJson("snapshots", "--json", "--no-lock", "--tag", "swap").size(),
                "no snapshot of a mixed volume");
        Path alerts = env.dir.resolve("state/alerts.json");
        assertTrue(Files.readString(alerts).contains("held:" + ctr), "the app is down: a human must hear of it");

        // the swap's owner finishes (marker gone, the tree back): the next command resumes and clears
        move(work.old(), live, Integer.MAX_VALUE);
        Files.delete(markerFile());
        ItEnv.Run next = env.cli("snapshots");
        assertEquals(0, next.exit(), next.err());
        assertEquals("running", ItEnv.state(ctr));
        assertFalse(Files.readString(alerts).contains("\"held:" + ctr), Files.readString(alerts));
    }
}
