package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Issue 14: {@code -v} logs each child command, in-process through {@link Main#run}: the program
 * and its arguments, then its exit code and duration; never the password or a ping URL's token.
 */
class VerboseIT {
    @Test
    void verboseLogsEachChildWithItsExitAndDurationAndNoSecret() throws Exception {
        try (ItEnv env = new ItEnv()) {
            Files.createDirectories(env.dir.resolve("data"));
            String token = "hc-token-" + env.id;
            env.writeConfig("  - name: files\n    path: " + env.dir.resolve("data") + "\n",
                    "alerts:\n  - healthchecks: https://hc-ping.invalid/" + token + "\n");
            assertEquals(0, env.cli("init").exit());
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            PrintStream saved = System.err;
            ItEnv.Run r;
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            try {
                r = env.cli("snapshots", "-v"); // -v after the command word too
            } finally {
                System.setErr(saved);
            }
            String text = log.toString(StandardCharsets.UTF_8) + r.err();
            assertEquals(0, r.exit(), text);
            assertTrue(Pattern.compile("DEBUG .*run: restic -r rclone:itdrive:" + Pattern.quote(env.repoPath())
                    + " --cache-dir \\S+ -o 'rclone.args=serve restic --stdio[^']*' snapshots --json").matcher(text).find(),
                    text);
            assertTrue(Pattern.compile("DEBUG .*restic exit 0 after \\d+\\.\\d\\d s").matcher(text).find(), text);
            assertFalse(text.contains(ItEnv.PASSWORD), "the repository password never shows");
            assertFalse(text.contains(token), "a ping URL's token never shows");
            assertFalse(text.contains("RESTIC_PASSWORD_FILE"), "the environment is not logged");
        }
    }
}
