package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.ExitCode;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, "downtime stays bounded, figures stay honest", against the real Docker engine and
 * restic: containers whose PID 1 is a shell that ignores SIGTERM (no --init), as real images have.
 */
class DowntimeIT {
    private ItEnv env;
    private final List<String> stubborn = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        env = new ItEnv();
    }

    @AfterEach
    void tearDown() throws IOException {
        for (String c : stubborn) {
            try {
                new ProcessBuilder("docker", "rm", "-f", c).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        env.close();
    }

    /** A container whose PID 1 is a shell that ignores SIGTERM: only Docker's kill stops it. */
    private String stubbornContainer(String suffix, String volume) {
        String name = "cfs-it-" + env.id + "-" + suffix;
        stubborn.add(name);
        // no network: these containers need none (and the engine's bridge may be missing on a shared host)
        ItEnv.sh("docker", "run", "-d", "--network", "none", "--name", name, "-v", volume + ":/data", ItEnv.IMAGE,
                "sh", "-c", "trap '' TERM; while true; do sleep 1; done");
        return name;
    }

    /** A container that exits on SIGTERM at once (--init forwards it), as ItEnv's, without a network. */
    private String politeContainer(String suffix, String volume) {
        String name = "cfs-it-" + env.id + "-" + suffix;
        stubborn.add(name);
        ItEnv.sh("docker", "run", "-d", "--init", "--network", "none", "--name", name, "-v", volume + ":/data",
                ItEnv.IMAGE, "/bin/sleep", "3600");
        return name;
    }

    private void init() {
        ItEnv.Run r = env.cli("init");
        assertEquals(0, r.exit(), r.err());
    }

    private static String startedAt(String container) {
        return ItEnv.sh("docker", "inspect", "--format", "{{.State.StartedAt}}", container);
    }

    private static void random(Path file, int bytes) throws IOException {
        byte[] b = new byte[bytes];
        new Random(bytes).nextBytes(b);
        Files.write(file, b);
    }

    private JsonNode source(JsonNode report, String name) {
        for (JsonNode s : report.get("sources")) {
            if (name.equals(s.path("source").asText())) {
                return s;
            }
        }
        throw new AssertionError("no source " + name + " in " + report);
    }

    private RunRecord lastSourceRecord(String source) {
        List<RunRecord> all = new RunHistory(env.dir.resolve("state")).all().stream()
                .filter(r -> "backup".equals(r.job()) && source.equals(r.source())).toList();
        assertFalse(all.isEmpty(), "no history record of " + source);
        return all.get(all.size() - 1);
    }

    @Test
    void aStopTimeoutBoundsTheDowntimeOfAContainerThatIgnoresSigtermAndTheKillIsReported() throws Exception {
        String vol = env.volume("stubborn");
        String ctr = stubbornContainer("stubborn", vol);
        Files.writeString(env.mountpoint(vol).resolve("app.db"), "data");
        String polite = env.volume("polite");
        String politeCtr = politeContainer("polite", polite); // --init: exits on SIGTERM
        Files.writeString(env.mountpoint(polite).resolve("f"), "x");
        env.writeConfig("  - name: stubborn\n    volume: " + vol + "\n    consistency: stop\n    stop-timeout: 3s\n"
                + "  - name: polite\n    volume: " + polite + "\n    consistency: stop\n");
        init();

        ItEnv.Run dry = env.cli("backup", "--dry-run");
        assertEquals(0, dry.exit(), dry.err());
        assertTrue(dry.out().contains("stop-timeout 3s"), dry.out());
        assertTrue(dry.out().contains("stop-timeout 10s"), "Docker's default shown: " + dry.out());
        assertEquals(3, source(env.cli("backup", "--dry-run", "--json").json(), "stubborn").get("stop_timeout_s").asInt());

        String before = startedAt(ctr);
        ItEnv.Run r = env.cli("backup", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode s = source(r.json(), "stubborn");
        assertEquals("ok", s.get("status").asText());
        double downtime = s.get("downtime_s").asDouble();
        System.out.printf("stubborn container, stop-timeout 3s: downtime %.1f s%n", downtime);
        assertTrue(downtime >= 2.5, "the time-out was waited out: " + downtime);
        assertTrue(downtime < 10, "bounded by the source's stop-timeout, not docker stop -t 30: " + downtime);
        assertEquals(List.of(ctr), names(s.get("stop_killed")));
        assertEquals(3, s.get("stop_timeout_s").asInt());
        assertNotEquals(before, startedAt(ctr));
        assertEquals("running", ItEnv.state(ctr));
        JsonNode p = source(r.json(), "polite");
        assertEquals(List.of(), names(p.get("stop_killed")), "a container that exits on SIGTERM is no kill");
        assertTrue(p.get("downtime_s").asDouble() < 3, p.toString());
        assertEquals("running", ItEnv.state(politeCtr));
        assertTrue(env.cli("backup").out().contains("needed the kill"), "the text output says so too");

        ItEnv.Run status = env.cli("status");
        assertTrue(status.out().contains(ctr + ": the last stop needed the kill"), status.out());
        assertTrue(status.out().contains("consistency: pause"), status.out());
        JsonNode st = env.cli("status", "--json").json();
        for (JsonNode src : st.get("sources")) {
            if ("stubborn".equals(src.get("source").asText())) {
                assertEquals(List.of(ctr), names(src.get("last_stop_killed")));
            } else {
                assertEquals(List.of(), names(src.get("last_stop_killed")));
            }
        }
        assertFalse(Files.exists(env.dir.resolve("state/quiesce-journal.json")));
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void aTwoPassSourceReportsBothPassesAddedAndTheHistoryCarriesTheSum() throws Exception {
        String vol = env.volume("twopass");
        politeContainer("twopass", vol);
        random(env.mountpoint(vol).resolve("model.bin"), 3_000_000);
        env.writeConfig("  - name: twopass\n    volume: " + vol + "\n    consistency: pause\n");
        init();
        ItEnv.Run r = env.cli("backup", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode s = source(r.json(), "twopass");
        long added = s.get("data_added").asLong();
        assertTrue(added >= 3_000_000, "data_added counts both passes (was only the second's): " + s);
        JsonNode passes = s.get("passes");
        assertEquals(2, passes.size(), s.toString());
        long first = passes.get(0).get("data_added").asLong();
        assertTrue(first >= 3_000_000, "the live pass uploaded the file: " + s);
        assertEquals(first + passes.get(1).get("data_added").asLong(), added, s.toString());
        assertTrue(s.get("files_new").asLong() >= 1, s.toString());
        // the Drive daily-cap estimate and the free-space figure read data_added from the history
        RunRecord rec = lastSourceRecord("twopass");
        assertEquals(added, ((Number) rec.figures().get("data_added")).longValue());
        assertEquals(first, ((Number) rec.figures().get("pass1_data_added")).longValue());
        assertTrue(env.cli("backup").out().contains("(pass 1)"), "text output shows both passes");
    }

    @Test
    void sigtermDuringDockerStopStopsNothingMoreStartsWhatWasStoppedAndExitsBounded() throws Exception {
        String vol = env.volume("sigterm");
        String one = stubbornContainer("sig-a", vol);
        String two = stubbornContainer("sig-b", vol);
        Files.writeString(env.mountpoint(vol).resolve("db"), "data");
        int timeout = 10; // Docker's default: no stop-timeout key, so the old code's fixed 30 s shows
        env.writeConfig("  - name: sig\n    volume: " + vol + "\n    consistency: stop\n");
        init();
        Map<String, String> started = Map.of(one, startedAt(one), two, startedAt(two));
        Path journal = env.dir.resolve("state/quiesce-journal.json");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.cfs.backup.cli.Main", "-c", env.config.toString(),
                "backup");
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(env.dir.resolve("child.log").toFile()).start();
        try {
            for (int i = 0; i < 1200 && !Files.exists(journal); i++) {
                assertTrue(child.isAlive(), Files.readString(env.dir.resolve("child.log")));
                Thread.sleep(50); // the journal is written just before the first docker stop
            }
            assertTrue(Files.exists(journal), "the stop step was reached");
            Thread.sleep(1500); // well inside the first container's 10 s stop
            long t0 = System.nanoTime();
            child.destroy(); // SIGTERM, as systemd's stop sends it
            boolean exited = child.waitFor(30, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            String log = Files.readString(env.dir.resolve("child.log"));
            assertTrue(exited, "still running 30 s after SIGTERM\n" + log);
            System.out.printf("SIGTERM during docker stop: exited after %.1f s%n", seconds);
            assertEquals(ExitCode.INTERRUPTED, child.exitValue(), log);
            assertTrue(seconds < 10 + timeout, "exit within 10 s plus the remaining stop time: " + seconds + "\n" + log);
            int restarted = 0;
            int untouched = 0;
            for (String c : List.of(one, two)) {
                assertEquals("running", ItEnv.state(c), c + " left stopped\n" + log);
                if (started.get(c).equals(startedAt(c))) {
                    untouched++;
                } else {
                    restarted++;
                }
            }
            assertEquals(1, restarted, "the container being stopped finished its stop and was started again\n" + log);
            assertEquals(1, untouched, "the container not stopped yet never was\n" + log);
            assertFalse(Files.exists(journal), "journal cleared");
            RunRecord rec = lastSourceRecord("sig");
            assertEquals("interrupted", rec.status());
            assertTrue(((Number) rec.figures().get("downtime_s")).doubleValue() > 1, rec.toString());
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void aRunInterruptedAfterResticSavedItsSnapshotRecordsTheSnapshotAndTheDowntime() throws Exception {
        String vol = env.volume("late");
        String ctr = politeContainer("late", vol);
        Files.writeString(env.mountpoint(vol).resolve("db"), "data");
        env.writeConfig("  - name: late\n    volume: " + vol + "\n    consistency: stop\n");
        init();
        // restic as usual; after the second pass (--parent) has saved its snapshot, it lingers, so
        // that the cancel lands after the snapshot and before restic's exit (which stays 0)
        Path marker = env.dir.resolve("saved");
        Path wrapper = env.dir.resolve("restic-lingers");
        Files.writeString(wrapper, "#!/bin/sh\n"
                + "for a in \"$@\"; do if [ \"$a\" = --parent ]; then restic \"$@\"; rc=$?; trap 'exit $rc' INT TERM;"
                + " touch " + marker + "; i=0; while [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done; exit $rc; fi; done\n"
                + "exec restic \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> e = new HashMap<>(System.getenv());
        e.put("CFS_BACKUP_RESTIC", wrapper.toString());
        Cancellation cancel = new Cancellation();
        AtomicReference<ItEnv.Run> run = new AtomicReference<>();
        Thread t = new Thread(() -> run.set(env.cli(e, cancel, "backup")));
        t.start();
        for (int i = 0; i < 1200 && !Files.exists(marker) && t.isAlive(); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(marker), "the second pass saved its snapshot");
        cancel.cancel();
        t.join(60_000);
        assertFalse(t.isAlive());
        assertEquals(ExitCode.INTERRUPTED, run.get().exit(), run.get().err());
        RunRecord rec = lastSourceRecord("late");
        assertEquals("interrupted", rec.status());
        JsonNode snaps = env.resticJson("snapshots", "--json", "--tag", "late");
        String regular = null;
        for (JsonNode sn : snaps) {
            if (!sn.get("tags").toString().contains("cfs-pass1")) {
                regular = sn.get("short_id").asText();
            }
        }
        assertTrue(regular != null, snaps.toString());
        assertEquals(regular, rec.snapshotId(), "the snapshot restic saved is recorded: " + rec);
        assertTrue(((Number) rec.figures().get("downtime_s")).doubleValue() > 0, "the downtime so far: " + rec);
        assertFalse(rec.error().contains("restic exit 0"), rec.error());
        assertEquals("running", ItEnv.state(ctr));
        assertFalse(Files.exists(env.dir.resolve("state/quiesce-journal.json")));
        // the first pass could not be forgotten under the cancel: the next run does it
        ItEnv.Run next = env.cli("backup", "--json");
        assertEquals(0, next.exit(), next.err());
        assertFalse(env.resticJson("snapshots", "--json", "--tag", "late").toString().contains("cfs-pass1"));
    }

    @Test
    void aSourceThatShrankToAFractionIsPartialWithAnAlertAtBackupTime() throws Exception {
        Path data = Files.createDirectories(env.dir.resolve("mount"));
        random(data.resolve("big"), 2_000_000);
        env.writeConfig("  - name: mount\n    path: " + data + "\n");
        init();
        ItEnv.Run first = env.cli("backup", "--json");
        assertEquals(0, first.exit(), first.err());
        Files.delete(data.resolve("big")); // the mount went away: an almost empty folder is left
        Files.writeString(data.resolve("placeholder"), "x");
        ItEnv.Run shrunk = env.cli("backup", "--json");
        assertEquals(ExitCode.PARTIAL, shrunk.exit(), shrunk.out() + shrunk.err());
        assertEquals("partial", shrunk.json().get("status").asText());
        JsonNode s = source(shrunk.json(), "mount");
        assertEquals("partial", s.get("status").asText());
        assertTrue(s.get("error").asText().contains("less than half of the previous one"), s.toString());
        assertFalse(s.get("snapshot_id").isNull(), "the snapshot is kept: it is what the source holds");
        String alerts = Files.readString(env.dir.resolve("state/alerts.json"));
        assertTrue(alerts.contains("backup-shrunk:mount"), alerts);
        // unchanged since: no further shrink, the alert clears
        ItEnv.Run again = env.cli("backup", "--json");
        assertEquals(0, again.exit(), again.err());
        assertFalse(Files.readString(env.dir.resolve("state/alerts.json")).contains("backup-shrunk:mount"));
    }
}
