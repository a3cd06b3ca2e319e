package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;

import org.cfs.backup.ExitCode;
import org.cfs.backup.state.OperationLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code status}: an exit code that can be trusted, the operation running now, local times with ages. */
class StatusCommandTest {
    @TempDir
    Path dir;

    private String[] args(String... more) throws Exception {
        Files.writeString(dir.resolve("pw"), "pw\n");
        Path cfg = dir.resolve("c.yaml");
        // the repository does not exist: restic cannot list it
        Files.writeString(cfg, "host: h\nrepository: {url: " + dir.resolve("no-repo") + ", password-file: " + dir.resolve("pw")
                + "}\nstate-dir: " + dir.resolve("state") + "\nlog-dir: " + dir.resolve("log") + "\ncache-dir: "
                + dir.resolve("cache") + "\nsources:\n  - {name: data, path: " + dir + "}\n");
        String[] a = new String[2 + more.length];
        a[0] = "-c";
        a[1] = cfg.toString();
        System.arraycopy(more, 0, a, 2, more.length);
        return a;
    }

    /** Regression (issue 14): status exited 0 when the repository could not be read. */
    @Test
    void anUnreadableRepositoryExitsThreeAndTheRunningOperationIsShown() throws Exception {
        String[] a = args("status");
        try (OperationLock held = OperationLock.acquire(dir.resolve("state"), "backup")) {
            StringWriter out = new StringWriter();
            int code = Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), a);
            assertEquals(ExitCode.PARTIAL, code, out.toString());
            assertTrue(out.toString().contains("running now: backup (pid " + ProcessHandle.current().pid() + ")"), out.toString());
            assertTrue(out.toString().contains("repository: "), out.toString());
        }
        StringWriter json = new StringWriter();
        assertEquals(ExitCode.PARTIAL, Main.run(new PrintWriter(json), new PrintWriter(new StringWriter()), args("status", "--json")));
        assertTrue(json.toString().contains("\"repository_error\""), json.toString());
    }

    @Test
    void timesAreLocalWithTheirAge() {
        Instant now = Instant.parse("2026-12-01T12:00:00Z");
        assertEquals("2026-12-01 09:00 (3 h ago)", StatusCommand.when(now.minusSeconds(3 * 3600), now, ZoneOffset.UTC));
        assertEquals("2026-12-01 13:00 (in 1 h)", StatusCommand.when(now.plusSeconds(3600), now, ZoneOffset.UTC));
        assertEquals("2026-11-28 12:00 (3 days ago)", StatusCommand.when(now.minusSeconds(3 * 86400), now, ZoneOffset.UTC));
        assertEquals("2026-12-01 11:55 (5 min ago)", StatusCommand.when(now.minusSeconds(300), now, ZoneOffset.UTC));
    }
}
