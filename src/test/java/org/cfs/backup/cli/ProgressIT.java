package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import org.cfs.backup.process.Cancellation;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: check, prune and drill show restic's progress on stderr when it is a terminal (forced
 * here with CFS_BACKUP_PROGRESS=1, as a test has no terminal), print nothing extra otherwise, and
 * leave --json as it was. Real restic against a local rclone remote.
 */
class ProgressIT {
    @Test
    void progressOnATerminalOnlyAndNeverInJson() throws Exception {
        try (ItEnv env = new ItEnv()) {
            Path data = Files.createDirectories(env.dir.resolve("data"));
            Random rnd = new Random(14);
            for (int i = 0; i < 6; i++) {
                byte[] b = new byte[2 << 20];
                rnd.nextBytes(b);
                Files.write(data.resolve("f" + i), b);
            }
            env.writeConfig("  - name: files\n    path: " + data + "\n", "retention: {keep-last: 1}\n");
            assertEquals(0, env.cli("init").exit());
            assertEquals(0, env.cli("backup").exit());
            Files.write(data.resolve("f0"), new byte[] {1});
            assertEquals(0, env.cli("backup").exit());

            Map<String, String> tty = new HashMap<>(System.getenv());
            tty.put(ProgressLine.ENV, "1");
            ItEnv.Run check = env.cli(tty, new Cancellation(), "check", "--read-data-subset", "100%");
            assertEquals(0, check.exit(), check.err());
            assertTrue(Pattern.compile("\r\033\\[Kcheck: 100\\.0% \\d+ / \\d+ packs").matcher(check.err()).find(),
                    check.err());
            assertTrue(check.out().startsWith("repository ok"), "the result starts on a clean line: " + check.out());
            assertFalse(check.out().contains("\r") || check.out().contains("packs"), "stdout has the result only");

            ItEnv.Run plain = env.cli("check", "--read-data-subset", "100%");
            assertEquals(0, plain.exit());
            assertFalse(plain.err().contains("\r") || plain.err().contains("packs"), "no terminal: " + plain.err());

            ItEnv.Run json = env.cli(tty, new Cancellation(), "check", "--json");
            assertEquals(0, json.exit());
            assertTrue(json.json().path("ok").asBoolean(), json.out());
            assertFalse(json.err().contains("\r") || json.err().contains("packs"), "--json: nothing extra: " + json.err());

            ItEnv.Run drill = env.cli(tty, new Cancellation(), "drill");
            assertEquals(0, drill.exit(), drill.err());
            assertTrue(Pattern.compile("\r\033\\[Kdrill: 100\\.0% 1\\d\\.\\d MiB / 1\\d\\.\\d MiB").matcher(drill.err()).find(), drill.err());

            ItEnv.Run prune = env.cli(tty, new Cancellation(), "prune");
            assertEquals(0, prune.exit(), prune.err());
            assertTrue(Pattern.compile("\r\033\\[Kprune: 100\\.0% \\d+ / \\d+ (packs|snapshots|files)").matcher(prune.err())
                    .find(), prune.err());
            assertTrue(prune.out().contains("prune ok") || prune.out().contains("prune "), prune.out());
            assertFalse(prune.out().contains("packs processed"), "restic's status lines stay out of the report");
        }
    }
}
