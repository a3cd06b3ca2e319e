package org.cfs.backup.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11, defect 6: a child of cfs-backup does not outlive it, even when cfs-backup is killed with -9. */
class ChildrenDieTest {
    @TempDir
    Path dir;

    @Test
    void aChildGetsSigintWhenTheJvmIsKilled() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), OrphanProbe.class.getName(), pidFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("probe.log").toFile()).start();
        try {
            for (int i = 0; i < 300 && !Files.exists(pidFile); i++) {
                assertTrue(jvm.isAlive(), Files.readString(dir.resolve("probe.log")));
                Thread.sleep(50); // the probe JVM starts its child a moment later
            }
            long child = Long.parseLong(Files.readString(pidFile).strip());
            Optional<ProcessHandle> h = ProcessHandle.of(child);
            assertTrue(h.isPresent() && h.get().isAlive());
            assertEquals(jvm.pid(), h.get().parent().map(ProcessHandle::pid).orElse(-1L), "a direct child");

            new ProcessBuilder("kill", "-9", Long.toString(jvm.pid())).start().waitFor();
            assertTrue(jvm.waitFor(10, TimeUnit.SECONDS));
            for (int i = 0; i < 100 && h.get().isAlive(); i++) {
                Thread.sleep(50); // the kernel delivers the death signal as the parent exits
            }
            assertFalse(h.get().isAlive(), "the child died with the JVM instead of running on as an orphan");
        } finally {
            jvm.destroyForcibly();
        }
    }

    @Test
    void aMissingProgramStillFailsToStartWithJavasOwnError() {
        assertEquals(List.of("no-such-program-xyz"), ZtProcessRunner.diesWithUs(List.of("no-such-program-xyz")));
        assertEquals("/usr/bin/perl", ZtProcessRunner.diesWithUs(List.of("sh", "-c", "true")).get(0));
    }
}
