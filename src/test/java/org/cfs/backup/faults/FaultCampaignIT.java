package org.cfs.backup.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Issue 11: a short run of the fault campaign (docs/faults.sh) against the built jar and the real
 * restic, rclone and Docker engine: one kill -9 of cfs-backup in a backup and one in an in-place
 * restore, each followed by the consistency checks (container running, no mixed volume, no staging
 * leftovers, next backup good, no lock, restic check clean). The full campaign: docs/reliability.md.
 */
class FaultCampaignIT {
    @Test
    void aShortCampaignLeavesEveryTrialConsistent() throws Exception {
        Path jar = Path.of("target/cfs-backup.jar");
        assertTrue(Files.isRegularFile(jar), "the jar is built before the integration tests");
        Path out = Files.createTempFile("fault-campaign", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder("bash", "docs/faults.sh").redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().put("FAULTS_N", "1");
            pb.environment().put("FAULTS_FILES", "300");
            pb.environment().put("FAULTS_CAMPAIGNS", "kill-jvm-backup kill-jvm-restore");
            pb.environment().put("CFS_BACKUP_JAR", jar.toAbsolutePath().toString());
            Process p = pb.start();
            if (!p.waitFor(240, TimeUnit.SECONDS)) {
                p.destroy(); // the script's trap removes its container, volume and folder
                p.waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError("the campaign did not end in 240 s: " + Files.readString(out));
            }
            String text = Files.readString(out);
            assertEquals(0, p.exitValue(), text);
            assertTrue(text.contains("| kill-jvm-backup | 1 | 0 |") && text.contains("| kill-jvm-restore | 1 | 0 |"), text);
            assertTrue(text.contains("failed: 0"), text);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
