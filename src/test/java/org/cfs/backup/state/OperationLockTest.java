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
    void secondHolderIsBusyAndToldWhoHoldsIt() {
        try (OperationLock first = OperationLock.acquire(state, "backup")) {
            CfsException e = assertThrows(CfsException.class, () -> OperationLock.acquire(state, "prune"));
            assertEquals(ExitCode.BUSY, e.exitCode());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
            assertTrue(e.getMessage().contains("command backup"), e.getMessage());
        }
        try (OperationLock again = OperationLock.acquire(state, "prune")) {
            assertTrue(again != null);
        }
    }
}
