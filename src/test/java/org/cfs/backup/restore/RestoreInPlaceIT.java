package org.cfs.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In-place restore of a live Docker volume with the real engine: stop, pre-restore snapshot, swap, start; and kill -9. */
class RestoreInPlaceIT {
    @TempDir
    Path tmp;
    RestoreFixture fx;
    String volume;
    String container;
    Path mountpoint;

    @BeforeEach
    void setUp() throws Exception {
        String name = "cfs-it-restore-" + Long.toHexString(new Random().nextLong() & 0xffffffffL);
        volume = name + "-vol";
        container = name + "-c";
        RestoreFixture.sh("docker", "volume", "create", volume);
        mountpoint = Path.of(RestoreFixture.sh("docker", "volume", "inspect", "--format", "{{.Mountpoint}}", volume));
        Files.createDirectories(mountpoint.resolve("dir"));
        Files.writeString(mountpoint.resolve("a.txt"), "original a\n");
        Files.writeString(mountpoint.resolve("dir/b.txt"), "original b\n");
        Files.setAttribute(mountpoint.resolve("dir/b.txt"), "unix:uid", 1000, LinkOption.NOFOLLOW_LINKS);
        byte[] blob = new byte[2 * 1024 * 1024];
        new Random(7).nextBytes(blob);
        Files.write(mountpoint.resolve("keep.bin"), blob);
        Files.createSymbolicLink(mountpoint.resolve("link"), Path.of("dir/b.txt"));
        RestoreFixture.sh("docker", "run", "-d", "--name", container, "-v", volume + ":/data", "cfs-busybox:latest",
                // PID 1 ignores SIGTERM unless it traps it: without the trap every docker stop waits its full timeout
                "sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait");
        fx = new RestoreFixture(tmp.resolve("fx"), """
                - name: webui
                  volume: %s
                  consistency: stop
                """.formatted(volume));
    }

    @AfterEach
    void tearDown() {
        RestoreFixture.quiet("docker", "rm", "-f", container);
        RestoreFixture.quiet("docker", "volume", "rm", "-f", volume);
    }

    private String startedAt() {
        return RestoreFixture.sh("docker", "inspect", "--format", "{{.State.StartedAt}}", container);
    }

    private String state() {
        return RestoreFixture.sh("docker", "inspect", "--format", "{{.State.Status}}", container);
    }

    private void changeLiveData() throws Exception {
        Files.delete(mountpoint.resolve("a.txt"));
        Files.writeString(mountpoint.resolve("dir/b.txt"), "changed b, longer\n");
        Files.writeString(mountpoint.resolve("new.txt"), "added after the backup\n");
        Files.createDirectories(mountpoint.resolve("newdir"));
        Files.writeString(mountpoint.resolve("newdir/x"), "x");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void inPlaceRestoreStopsTheContainerSavesTheWayBackAndPutsTheExactTreeBack() throws Exception {
        String snap = fx.initAndBackup("webui");
        Map<String, String> backedUp = RestoreFixture.describe(mountpoint);
        changeLiveData();
        Map<String, String> changed = RestoreFixture.describe(mountpoint);

        JsonNode dry = fx.ok("restore", "webui", "--dry-run", "--json").json();
        assertEquals(List.of("a.txt"), texts(dry.get("added")));
        assertEquals(List.of("dir/b.txt"), texts(dry.get("changed")));
        assertEquals(List.of("new.txt", "newdir", "newdir/x"), texts(dry.get("removed")));
        assertEquals(changed, RestoreFixture.describe(mountpoint), "dry run changed the volume");

        // without a terminal, --yes is required
        RestoreFixture.Run refused = fx.run("restore", "webui");
        assertEquals(2, refused.code(), refused.toString());
        assertTrue(refused.err().contains("--yes"), refused.err());
        assertEquals(changed, RestoreFixture.describe(mountpoint));

        String started0 = startedAt();
        JsonNode r = fx.ok("restore", "webui", "--yes", "--json").json();
        assertEquals(snap, r.get("snapshot_id").asText());
        assertEquals("in-place", r.get("mode").asText());
        assertEquals(List.of(container), texts(r.get("containers_stopped")));
        String pre = r.get("pre_restore_snapshot_id").asText();
        assertNotNull(pre);
        assertEquals(backedUp, RestoreFixture.describe(mountpoint), "volume does not hold exactly the snapshot");
        assertEquals("running", state());
        assertNotEquals(started0, startedAt(), "the container was not stopped and started again");
        assertEquals("original a", RestoreFixture.sh("docker", "exec", container, "cat", "/data/a.txt"));
        assertFalse(Files.exists(mountpoint.getParent().resolve(".cfs-restore-new-_data")));
        assertFalse(Files.exists(mountpoint.getParent().resolve(".cfs-restore-old-_data")));

        // the way back is a snapshot tagged pre-restore, and 'latest' still means the backup
        JsonNode snaps = fx.ok("snapshots", "--json").json();
        boolean found = false;
        for (JsonNode s : snaps) {
            if (s.get("short_id").asText().equals(pre)) {
                found = true;
                assertEquals(List.of("webui", "pre-restore"), texts(s.get("tags")));
            }
        }
        assertTrue(found, "no pre-restore snapshot " + pre + " in " + snaps);
        JsonNode again = fx.ok("restore", "webui", "--dry-run", "--json").json();
        assertEquals(snap, again.get("snapshot_id").asText());
        assertEquals(0, again.get("added_count").asInt() + again.get("changed_count").asInt() + again.get("removed_count").asInt(), again.toString());
        // restic's own 'latest' is now the pre-restore snapshot: restore --target and the drill must not take it
        Path latestCopy = tmp.resolve("latest-copy");
        JsonNode copy = fx.ok("restore", "webui", "--target", latestCopy.toString(), "--json").json();
        assertEquals(snap, copy.get("snapshot_id").asText());
        assertEquals(backedUp, RestoreFixture.describe(latestCopy), "restore --target of latest took the pre-restore snapshot");
        JsonNode drill = fx.ok("drill", "webui", "--json").json();
        assertEquals(snap, drill.get("sources").get(0).get("snapshot_id").asText(), drill.toString());
        assertTrue(drill.get("passed").asBoolean(), drill.toString());
        Path wayBack = tmp.resolve("way-back");
        fx.ok("restore", "webui", "--snapshot", pre, "--target", wayBack.toString());
        assertEquals(changed, RestoreFixture.describe(wayBack), "the pre-restore snapshot is not the state before the restore");
        String history = Files.readString(fx.dir.resolve("state/history.jsonl"));
        assertTrue(history.contains("\"job\":\"restore\""), history);
    }

    @Test
    void killMinus9DuringInPlaceRestoreLeavesTheOldStateAndNoContainerStopped() throws Exception {
        fx.initAndBackup("webui");
        Map<String, String> backedUp = RestoreFixture.describe(mountpoint);
        changeLiveData();
        // a big new file makes the pre-restore snapshot take a while: the kill lands while the container is stopped
        byte[] big = new byte[1024 * 1024];
        Random rnd = new Random(1);
        try (OutputStream out = Files.newOutputStream(mountpoint.resolve("newdir/big.bin"))) {
            for (int i = 0; i < 300; i++) {
                rnd.nextBytes(big);
                out.write(big);
            }
        }
        Map<String, String> changed = RestoreFixture.describe(mountpoint);

        Path jar = Path.of("target/cfs-backup.jar").toAbsolutePath();
        List<String> cmd = Files.exists(jar)
                ? List.of(javaBin(), "-jar", jar.toString(), "-c", fx.config.toString(), "restore", "webui", "--yes")
                : List.of(javaBin(), "-cp", System.getProperty("java.class.path"), "org.cfs.backup.cli.Main", "-c",
                fx.config.toString(), "restore", "webui", "--yes");
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
        // 'docker wait' returns when the container stops: the restore is then in its stopped phase
        Process wait = new ProcessBuilder("docker", "wait", container).redirectErrorStream(true).start();
        assertTrue(wait.waitFor(90, TimeUnit.SECONDS), "the container was never stopped: "
                + Files.readString(tmp.resolve("child.log")));
        assertTrue(child.isAlive(), "the restore ended before it could be killed: " + Files.readString(tmp.resolve("child.log")));
        List<ProcessHandle> tree = new ArrayList<>(child.toHandle().descendants().toList());
        child.toHandle().destroyForcibly(); // SIGKILL: no clean-up runs in the JVM
        tree.forEach(ProcessHandle::destroyForcibly); // restic and rclone die with it, as under systemd
        child.waitFor();
        for (ProcessHandle h : tree) {
            h.onExit().get();
        }
        assertEquals("exited", state(), "precondition: the kill left the container stopped");
        assertEquals(changed, RestoreFixture.describe(mountpoint), "the volume is not in its old state after the kill");

        // the next command, whatever it is, starts the container again from the quiesce journal
        fx.ok("snapshots");
        assertEquals("running", state());
        assertEquals(changed, RestoreFixture.describe(mountpoint));
        // the killed restic left a lock: check (exclusive) removes the stale lock and passes
        RestoreFixture.Run check = fx.run("check");
        assertEquals(0, check.code(), check.toString());
        // and the restore can be run again to completion
        fx.ok("restore", "webui", "--yes");
        assertEquals(backedUp, RestoreFixture.describe(mountpoint));
        assertEquals("running", state());
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

}
