package org.cfs.backup.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore figures come from the restic child's write counter: a child named restic whose
 * arguments hold {@code restore} (coreutils' {@code yes}, copied as {@code restic}, writing
 * "restore" lines into /dev/null) is counted; a {@code dump} child beside it (a download) is not.
 */
class RestoreProgressTest {
    @TempDir
    Path tmp;

    private Process fakeRestic(String sub) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(sub));
        Path restic = dir.resolve("restic");
        Files.copy(Path.of("/usr/bin/yes"), restic);
        restic.toFile().setExecutable(true);
        return new ProcessBuilder(restic.toString(), sub).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    void theBytesOfTheRestoreChildAreCountedAndADownloadBesideItIsNot() throws Exception {
        assertTrue(RestoreProgress.wchar(ProcessHandle.current().pid()) >= 0, "this JVM's /proc/PID/io is readable");
        Process restore = fakeRestic("restore");
        Process download = fakeRestic("dump");
        AtomicReference<JobQueue.Progress> last = new AtomicReference<>();
        try {
            Thread.sleep(300);
            // the restore child stopped: its counter holds still, the download's runs on
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(restore.pid())).start().waitFor());
            Thread.sleep(100);
            long restoreWrote = RestoreProgress.wchar(restore.pid());
            assertTrue(restoreWrote > 0, "the fake restore wrote " + restoreWrote);
            try (RestoreProgress p = new RestoreProgress("data", () -> 1L << 40, false, last::set)) {
                long deadline = System.nanoTime() + 20_000_000_000L;
                while ((last.get() == null || last.get().bytesDone() == 0 || last.get().totalBytes() == null)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            }
            JobQueue.Progress seen = last.get();
            assertNotNull(seen);
            assertEquals("restoring", seen.phase());
            assertEquals(1L << 40, seen.totalBytes());
            assertEquals(restoreWrote, seen.bytesDone(), "the restore child's bytes, and not the download's ("
                    + RestoreProgress.wchar(download.pid()) + ")");
            assertTrue(seen.percentDone() > 0 && seen.percentDone() < 1, seen.toString());
            assertNull(seen.totalFiles());
        } finally {
            restore.destroyForcibly();
            download.destroyForcibly();
        }
    }
}
