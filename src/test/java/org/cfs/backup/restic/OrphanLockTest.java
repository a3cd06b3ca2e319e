package org.cfs.backup.restic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cfs.backup.process.FakeProcessRunner;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, defect 6 (found by docs/faults.sh): right after a kill -9 of cfs-backup its restic,
 * sent SIGINT by the death signal, may still hold its lock while it cleans up; the next command
 * waits for that orphan (saying so) and retries, instead of failing on "locked".
 */
class OrphanLockTest {
    private static ResticSettings local() {
        return new ResticSettings("restic", "/srv/repo", Path.of("/etc/cfs/pw"), Path.of("/var/cache/cfs"), null, null,
                List.of());
    }

    /** A process whose parent has exited (reparented, as a killed cfs-backup's restic is). */
    private static long orphan(String seconds) throws Exception {
        Process sh = new ProcessBuilder("sh", "-c", "sleep " + seconds + " >/dev/null 2>&1 & echo $!").start();
        String pid = new String(sh.getInputStream().readAllBytes()).strip();
        sh.waitFor();
        return Long.parseLong(pid);
    }

    private static String locked(long pid) throws Exception {
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        return "unable to create lock in backend: repository is already locked exclusively by PID " + pid + " on "
                + host + " by root (UID 0, GID 0)\nlock was created at 2026-12-01 23:51:12 (1.3s ago)\n";
    }

    @Test
    void aLockOfAnOrphanedResticIsWaitedForThenTheCommandRetries() throws Exception {
        long pid = orphan("1.5");
        FakeProcessRunner fake = new FakeProcessRunner()
                .on("snapshots", 1, "", locked(pid))
                .on("snapshots", 0, "[]", "");
        long t0 = System.nanoTime();
        assertEquals(List.of(), new Restic(local(), fake).snapshots("h", List.of("s")));
        assertTrue((System.nanoTime() - t0) / 1e9 < 10);
        assertEquals(2, fake.calls().size(), "retried once the orphan was gone");
    }

    @Test
    void aStaleLockOfADeadResticOfThisHostIsClearedAndTheCommandRetried() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        FakeProcessRunner fake = new FakeProcessRunner()
                .on("snapshots", 1, "", locked(gone.pid()))
                .on("unlock", 0, "", "")
                .on("snapshots", 0, "[]", "");
        assertEquals(List.of(), new Restic(local(), fake).snapshots("h", List.of("s")));
        assertEquals(3, fake.calls().size(), "the stale lock of a dead restic of this host is removed first");
        assertTrue(fake.calls().get(1).command().contains("unlock"));
    }

    @Test
    void aLockOfALiveCfsBackupFailsAtOnce() throws Exception {
        FakeProcessRunner fake = new FakeProcessRunner()
                .on("snapshots", 1, "", locked(ProcessHandle.current().pid())); // a live JVM: not an orphan
        ResticException e = assertThrows(ResticException.class, () -> new Restic(local(), fake).snapshots("h", List.of()));
        assertEquals(ResticError.LOCKED, e.error());
        assertEquals(1, fake.calls().size());
    }
}
