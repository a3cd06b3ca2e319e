package org.cfs.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a daemon JVM in the middle of a {@code stop} backup: the container is running again
 * afterwards, the repository has no lock left, the run is recorded as interrupted, and the JVM has
 * exited within 30 s.
 */
class DaemonSigtermIT {

    @Test
    void sigtermDuringStopBackupResumesContainerLeavesNoLockAndRecordsInterrupted() throws Exception {
        try (DaemonFixture f = new DaemonFixture()) {
            String name = "cfs-it-daemon-" + f.id;
            Path marker = f.dir.resolve("pass2-started");
            // restic as usual, except that pass 2 (the one with --parent, run while the container is
            // stopped) uploads slowly, so that SIGTERM reliably lands in the middle of it
            Path wrapper = f.dir.resolve("restic-slow-pass2");
            Files.writeString(wrapper, "#!/bin/sh\n"
                    + "for a in \"$@\"; do if [ \"$a\" = --parent ]; then touch " + marker
                    + "; exec restic --limit-upload 16 \"$@\"; fi; done\n"
                    + "exec restic \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
            assertEquals(0, DaemonFixture.sh("docker", "volume", "create", name));
            Process daemon = null;
            try {
                // the container keeps writing, so pass 2 always has new data to upload
                assertEquals(0, DaemonFixture.sh("docker", "run", "-d", "--network", "none", "--name", name, "-v", name + ":/data",
                        "cfs-busybox:latest", "sh", "-c",
                        "trap 'exit 0' TERM; i=0; while true; do dd if=/dev/urandom of=/data/f$i bs=64k count=4 2>/dev/null;"
                                + " i=$((i+1)); sleep 0.2; done"));
                Path cfg = f.config("  - {name: webui, volume: " + name + ", consistency: stop}\n",
                        "schedule: {backup: \"*/2 * * * * ?\", prune: " + DaemonFixture.never() + ", check: "
                        + DaemonFixture.never() + ", drill: " + DaemonFixture.never() + ", quota: "
                        + DaemonFixture.never() + ", audit: " + DaemonFixture.never() + "}\n");
                ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx128m", "-XX:+UseSerialGC",
                        "-cp", System.getProperty("java.class.path"), "org.cfs.backup.cli.Main", "-c", cfg.toString(), "daemon");
                pb.environment().put("CFS_BACKUP_RESTIC", wrapper.toString());
                pb.redirectErrorStream(true);
                pb.redirectOutput(f.dir.resolve("daemon.log").toFile());
                daemon = pb.start();
                Process d = daemon;
                DaemonFixture.await(Duration.ofSeconds(90), "pass 2 with the container stopped",
                        () -> Files.exists(marker) && !"running".equals(state(name)) && d.isAlive());
                TimeUnit.MILLISECONDS.sleep(500);
                assertTrue(daemon.isAlive());
                long t0 = System.nanoTime();
                daemon.destroy(); // SIGTERM, as systemd stop sends it
                boolean exited = daemon.waitFor(30, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - t0) / 1e9;
                String log = Files.readString(f.dir.resolve("daemon.log"));
                assertTrue(exited, "daemon still running 30 s after SIGTERM\n" + log);
                assertEquals(0, daemon.exitValue(), log);
                System.out.printf("daemon exited %.1f s after SIGTERM%n", seconds);

                assertEquals("running", state(name), "container left stopped\n" + log);
                List<String> locks;
                try (var l = Files.list(f.repo.resolve("locks"))) {
                    locks = l.map(Path::getFileName).map(Path::toString).toList();
                }
                StringBuilder lockInfo = new StringBuilder();
                for (String id : locks) {
                    lockInfo.append(f.restic("--no-lock", "cat", "lock", id)).append('\n');
                }
                assertEquals(List.of(), locks, "restic lock left: " + lockInfo + "\n" + log);
                List<RunRecord> runs = new RunHistory(f.stateDir).all().stream()
                        .filter(r -> "backup".equals(r.job()) && r.source() == null && r.figures() != null
                                && r.figures().containsKey("trigger"))
                        .toList();
                assertTrue(!runs.isEmpty(), log);
                assertEquals("interrupted", runs.get(runs.size() - 1).status(), runs.toString());
                assertTrue(log.contains("daemon stopped"), log);
                assertTrue(Files.notExists(f.stateDir.resolve("quiesce-journal.json")), "journal entries left");
            } finally {
                if (daemon != null && daemon.isAlive()) {
                    daemon.destroyForcibly();
                }
                DaemonFixture.sh("docker", "rm", "-f", name);
                DaemonFixture.sh("docker", "volume", "rm", "-f", name);
            }
        }
    }

    private static String state(String container) {
        try {
            return DaemonFixture.shOut("docker", "inspect", "--format", "{{.State.Status}}", container);
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String javaBin() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
