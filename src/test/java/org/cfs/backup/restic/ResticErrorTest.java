package org.cfs.backup.restic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Issue 11, defect 7: restic 0.14's own texts (recorded on this machine) get the right cause, in full words. */
class ResticErrorTest {
    /** restic backup into a full tmpfs. */
    static final String FULL = "Fatal: unable to save snapshot: write /mnt/repo/data/5f/5f0daae611f1744805325109c182b6d7"
            + "582fda4b6e31e54a5974710481adb653-tmp-2678587570: no space left on device\n";
    /** restic forget on a full tmpfs: it cannot even write its lock. */
    static final String FULL_LOCK = "write /mnt/repo/locks/1425564843644ec7cd10ebd046c119763b827ea395255ef88fdeeea9c4e551"
            + "ba-tmp-4108492849: no space left on device\ngithub.com/restic/restic/internal/backend/local.(*Local).Save\n"
            + "\t/build/restic-0.14.0/internal/backend/local/local.go:130\nruntime.main\n\truntime/proc.go:250\n"
            + "runtime.goexit\n\truntime/asm_amd64.s:1594\nunable to create lock in backend\n";
    /** a REST server ('rclone serve restic') that is gone. */
    static final String DEAD_REST = "Fatal: unable to open config file: client.Head: Head \"http://127.0.0.1:1/config\": "
            + "dial tcp 127.0.0.1:1: connect: connection refused\nIs there a repository at the following location?\n"
            + "rest:http://127.0.0.1:1/\n";
    static final String LOCKED = "unable to create lock in backend: repository is already locked by PID 8414 on vm by root"
            + " (UID 0, GID 0)\nlock was created at 2026-12-01 22:18:23 (3.34306573s ago)\nstorage ID 3b015c6e\n"
            + "the `unlock` command can be used to remove stale locks\n";
    static final String NO_REPO = "Fatal: unable to open config file: stat /tmp/none/config: no such file or directory\n"
            + "Is there a repository at the following location?\n/tmp/none\n";

    /** restic through `rclone serve restic --stdio` (the rclone: backend) onto a full disk: only rclone names the cause. */
    static final String FULL_RCLONE = "rclone: 2026/12/01 23:05:43 ERROR : data/8f/8f3c27cf0d91: Post request put error: "
            + "preallocate: file too big for remaining disk space\nFatal: unable to save snapshot: server response "
            + "unexpected: 500 Internal Server Error (500)\n";

    @Test
    void eachFaultGetsItsCause() {
        assertEquals(ResticError.DISK_FULL, ResticError.classify(1, FULL_RCLONE));
        assertEquals(ResticError.DISK_FULL, ResticError.classify(1, FULL));
        assertEquals(ResticError.DISK_FULL, ResticError.classify(1, FULL_LOCK), "full, not 'locked by another process'");
        assertEquals(ResticError.REMOTE_UNREACHABLE, ResticError.classify(1, DEAD_REST), "dead, not 'no repository'");
        assertEquals(ResticError.LOCKED, ResticError.classify(1, LOCKED));
        assertEquals(ResticError.NO_REPOSITORY, ResticError.classify(1, NO_REPO));
    }

    @Test
    void restic_sTextIsNeverCutAtTheFront() {
        StringBuilder chatty = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            chatty.append("Save(<data/abcdef").append(i).append(">) returned error, retrying after 552ms: write: no space left\n");
        }
        chatty.append(FULL);
        String m = new ResticException("restic backup", ResticError.DISK_FULL, 1, chatty.toString()).getMessage();
        assertTrue(m.contains(": Fatal: unable to save snapshot"), m);
        assertTrue(m.endsWith("no space left on device"), m);
        assertFalse(m.contains("..."), m);

        String lock = new ResticException("restic forget", ResticError.DISK_FULL, 1, FULL_LOCK).getMessage();
        assertFalse(lock.contains("runtime.main") || lock.contains("proc.go"), "no Go stack frames: " + lock);
        assertTrue(lock.contains("no space left on device"), lock);
        assertTrue(lock.contains("the remote is full"), lock);

        String noFatal = new ResticException("restic x", ResticError.FAILED, 1, "x".repeat(50) + " word\n"
                + "a line ".repeat(200) + "\nlast line\n").getMessage();
        assertTrue(noFatal.endsWith(": last line"), "whole lines from the end: " + noFatal);
    }
}
