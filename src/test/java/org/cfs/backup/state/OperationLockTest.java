package org.cfs.backup.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One mutating operation at a time; the busy error names the holder. */
class OperationLockTest {
    @TempDir
    Path state;

    @Test
    void secondHolderIsBusyAndToldWhoHoldsIt() throws Exception {
        try (OperationLock first = OperationLock.acquire(state, "backup")) {
            CfsException e = assertThrows(CfsException.class, () -> OperationLock.acquire(state, "prune"));
            assertEquals(ExitCode.BUSY, e.exitCode());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
            assertTrue(e.getMessage().contains("command backup"), e.getMessage());
        }
        try (OperationLock again = OperationLock.acquire(state, "prune")) {
            // released by the first holder, really taken by the second (not read here: any close of
            // the file in this JVM would drop the POSIX lock)
            assertEquals(1, probe(state.resolve("lock")), "another process finds it taken by prune");
        }
    }

    /** Regression: a refused second attempt in the same JVM must not drop the first holder's lock. */
    @Test
    void aRefusedAttemptInTheSameJvmKeepsTheLockForOtherProcesses() throws Exception {
        try (OperationLock first = OperationLock.acquire(state, "backup")) {
            assertThrows(CfsException.class, () -> OperationLock.acquire(state, "prune"));
            assertEquals(1, probe(state.resolve("lock")), "another process still finds the lock taken");
        }
        assertEquals(0, probe(state.resolve("lock")), "released on close");
    }

    /** Regression: status read daemon.lock with Files.readString, which inside the daemon dropped its own lock. */
    @Test
    void askingWhoHoldsTheLockInTheHoldingJvmKeepsIt() throws Exception {
        try (OperationLock daemon = OperationLock.acquire(state.resolve("daemon.lock"), "daemon", "busy")) {
            assertTrue(OperationLock.currentHolder(state.resolve("daemon.lock")).contains("command daemon"));
            assertEquals(1, probe(state.resolve("daemon.lock")), "still held after asking");
        }
        assertEquals(null, OperationLock.currentHolder(state.resolve("daemon.lock")), "nobody holds it: a leftover text");
    }

    private static int probe(Path file) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                Path.of("src/test/scripts/LockProbe.java").toAbsolutePath().toString(), file.toString())
                .inheritIO().start();
        return p.waitFor();
    }
}
