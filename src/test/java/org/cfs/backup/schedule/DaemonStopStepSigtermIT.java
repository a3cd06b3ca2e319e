package org.cfs.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Issue 14: SIGTERM to the daemon while {@code docker stop} waits for a container that ignores
 * SIGTERM (a shell as PID 1). The cancel reaches the stop step: the daemon exits within 10 s plus
 * the container's remaining stop time (was 28.4 s with the fixed {@code docker stop -t 30}), and
 * the container runs again.
 */
class DaemonStopStepSigtermIT {

    @Test
    void sigtermDuringDockerStopExitsBoundedAndStartsTheContainerAgain() throws Exception {
        try (DaemonFixture f = new DaemonFixture()) {
            String name = "cfs-it-stopstep-" + f.id;
            assertEquals(0, DaemonFixture.sh("docker", "volume", "create", name));
            Process daemon = null;
            try {
                assertEquals(0, DaemonFixture.sh("docker", "run", "-d", "--network", "none", "--name", name, "-v",
                        name + ":/data", "cfs-busybox:latest", "sh", "-c", "trap '' TERM; while true; do sleep 1; done"));
                Path cfg = f.config("  - {name: webui, volume: " + name + ", consistency: stop}\n",
                        "schedule: {backup: \"*/2 * * * * ?\", prune: " + DaemonFixture.never() + ", check: "
                        + DaemonFixture.never() + ", drill: " + DaemonFixture.never() + ", quota: "
                        + DaemonFixture.never() + ", audit: " + DaemonFixture.never() + "}\n");
                ProcessBuilder pb = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin"
                        + File.separator + "java", "-Xmx128m", "-XX:+UseSerialGC",
                        "-cp", System.getProperty("java.class.path"), "org.cfs.backup.cli.Main", "-c", cfg.toString(), "daemon");
                pb.redirectErrorStream(true);
                pb.redirectOutput(f.dir.resolve("daemon.log").toFile());
                daemon = pb.start();
                Process d = daemon;
                Path journal = f.stateDir.resolve("quiesce-journal.json");
                // the journal is written just before the docker stop, which then waits out Docker's 10 s
                DaemonFixture.await(Duration.ofSeconds(90), "the stop step", () -> Files.exists(journal) && d.isAlive());
                TimeUnit.MILLISECONDS.sleep(1500);
                long t0 = System.nanoTime();
                daemon.destroy(); // SIGTERM, as systemd stop sends it
                boolean exited = daemon.waitFor(40, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - t0) / 1e9;
                String log = Files.readString(f.dir.resolve("daemon.log"));
                assertTrue(exited, "daemon still running 40 s after SIGTERM\n" + log);
                System.out.printf("daemon exited %.1f s after SIGTERM during docker stop%n", seconds);
                assertTrue(seconds < 10 + 10, "within 10 s plus the remaining stop time: " + seconds + "\n" + log);
                assertEquals("running", DaemonFixture.shOut("docker", "inspect", "--format", "{{.State.Status}}", name),
                        "container left stopped\n" + log);
                assertTrue(Files.notExists(journal), "journal entries left\n" + log);
            } finally {
                if (daemon != null && daemon.isAlive()) {
                    daemon.destroyForcibly();
                }
                DaemonFixture.sh("docker", "rm", "-f", name);
                DaemonFixture.sh("docker", "volume", "rm", "-f", name);
            }
        }
    }
}
