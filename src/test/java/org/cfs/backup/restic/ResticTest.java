package org.cfs.backup.restic;

import static org.cfs.backup.process.FakeProcessRunner.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cfs.backup.process.FakeProcessRunner;
import org.junit.jupiter.api.Test;

/** Argument building and parsing of recorded restic 0.14 output (golden files). */
class ResticTest {
    private static ResticSettings local() {
        return new ResticSettings("restic", "/srv/repo", Path.of("/etc/cfs/pw"), Path.of("/var/cache/cfs"), null, null,
                List.of());
    }

    @Test
    void backupArgumentsCarryHostTagsParentExcludesAndPathsAfterDoubleDash() {
        Restic r = new Restic(local(), new FakeProcessRunner());
        List<String> args = r.args().backupArgs(new BackupRequest("vps-1", List.of("open-webui"), List.of("/v/_data", "-odd"),
                List.of("*.tmp"), null, "abc123", false));
        assertEquals(List.of("restic", "-r", "/srv/repo", "--cache-dir", "/var/cache/cfs", "backup", "--json",
                "--host", "vps-1", "--tag", "open-webui", "--parent", "abc123", "--exclude", "*.tmp", "--", "/v/_data",
                "-odd"), args);
    }

    @Test
    void stdinBackupUsesStdinFilenameAndNoPaths() {
        Restic r = new Restic(local(), new FakeProcessRunner());
        List<String> args = r.args().backupArgs(new BackupRequest("h", List.of("mariadb"), List.of(), List.of(),
                "mariadb/all.sql", null, true));
        assertEquals(List.of("restic", "-r", "/srv/repo", "--cache-dir", "/var/cache/cfs", "backup", "--json",
                "--host", "h", "--tag", "mariadb", "--dry-run", "--stdin", "--stdin-filename", "mariadb/all.sql"), args);
    }

    @Test
    void rcloneBackendAlwaysGetsAskPasswordFalseAndExtraArgs() {
        ResticSettings s = new ResticSettings("restic", "rclone:gdrive:cfs", Path.of("/pw"), null,
                Path.of("/etc/cfs/rclone.conf"), null, List.of("--drive-stop-on-upload-limit"));
        Restic r = new Restic(s, new FakeProcessRunner());
        List<String> cmd = r.args().command("snapshots");
        int o = cmd.indexOf("-o");
        assertTrue(o > 0);
        assertEquals("rclone.args=serve restic --stdio --b2-hard-delete --ask-password=false --drive-stop-on-upload-limit",
                cmd.get(o + 1));
        assertEquals("/etc/cfs/rclone.conf", r.args().environment().get("RCLONE_CONFIG"));
    }

    @Test
    void passwordTravelsAsFileNeverOnTheCommandLine() {
        Restic r = new Restic(local(), new FakeProcessRunner());
        assertEquals("/etc/cfs/pw", r.args().environment().get("RESTIC_PASSWORD_FILE"));
        assertTrue(r.args().command("snapshots").stream().noneMatch(a -> a.contains("password")));
    }

    @Test
    void parsesBackupSummaryAndStatusLines() {
        FakeProcessRunner fake = new FakeProcessRunner()
                .on("backup", 0, resource("restic/backup-ok.stdout.jsonl"), "");
        Restic r = new Restic(local(), fake);
        List<BackupStatus> statuses = new ArrayList<>();
        Restic.BackupOutcome o = r.backup(new BackupRequest("h1", List.of("t1"), List.of("/x"), List.of(), null, null,
                false), statuses::add, null);
        assertEquals("f6df6e5f", o.summary().snapshotId());
        assertEquals(723, o.summary().dataAdded());
        assertEquals(1, o.summary().filesNew());
        assertFalse(statuses.isEmpty());
        assertEquals(0, o.exitCode());
    }

    @Test
    void exitThreeKeepsTheSnapshotAndReportsUnreadableFiles() {
        FakeProcessRunner fake = new FakeProcessRunner().on("backup", 3,
                resource("restic/backup-exit3.stdout.jsonl"), resource("restic/backup-exit3.stderr.txt"));
        Restic r = new Restic(local(), fake);
        Restic.BackupOutcome o = r.backup(new BackupRequest("h1", List.of("t1"), List.of("/x"), List.of(), null, null,
                false), s -> { }, null);
        assertEquals(3, o.exitCode());
        assertEquals("f6a97cc5", o.summary().snapshotId());
        assertEquals(1, o.errors().size());
        assertEquals("/tmp/gold/data/sub/unreadable: open: errno 13 (during archival)", o.errors().get(0).describe());
    }

    @Test
    void parsesSnapshotsJson() {
        List<Snapshot> snaps = Restic.parseSnapshots(resource("restic/snapshots.json"));
        assertEquals(2, snaps.size());
        Snapshot s = snaps.get(1);
        assertEquals(List.of("extra", "t1"), s.tags().stream().sorted().toList());
        assertEquals(8, s.shortId().length());
        assertEquals(64, s.id().length());
        assertEquals("h1", s.hostname());
        assertTrue(Restic.parseSnapshots(resource("restic/snapshots-empty.json")).isEmpty());
    }

    @Test
    void classifiesRecordedFailures() {
        assertEquals(ResticError.WRONG_PASSWORD, ResticError.classify(1, resource("restic/wrong-password.stderr.txt")));
        assertEquals(ResticError.NO_REPOSITORY, ResticError.classify(1, resource("restic/no-repo.stderr.txt")));
        assertEquals(ResticError.LOCKED, ResticError.classify(1, resource("restic/locked.stderr.txt")));
        assertEquals(ResticError.LOCKED, ResticError.classify(11, ""));
        assertEquals(ResticError.NO_REPOSITORY, ResticError.classify(10, ""));
        assertEquals(ResticError.WRONG_PASSWORD, ResticError.classify(12, ""));
        assertEquals(ResticError.FAILED, ResticError.classify(1, "something else"));
    }

    @Test
    void failedBackupThrowsClassifiedErrorWithCappedTail() {
        String noise = "x".repeat(5000) + "\nFatal: wrong password or no key found";
        FakeProcessRunner fake = new FakeProcessRunner().on("backup", 1, "", noise);
        Restic r = new Restic(local(), fake);
        ResticException e = assertThrows(ResticException.class, () -> r.backup(new BackupRequest("h", List.of("t"),
                List.of("/x"), List.of(), null, null, false), s -> { }, null));
        assertEquals(ResticError.WRONG_PASSWORD, e.error());
        assertTrue(e.getMessage().length() < 800, e.getMessage());
        assertTrue(e.getMessage().contains("wrong repository password"));
    }

    @Test
    void versionIsDetectedOnceAndGatesFeatures() {
        FakeProcessRunner fake = new FakeProcessRunner().on("version", 0, resource("restic/version-0.14.txt"), "");
        Restic r = new Restic(local(), fake);
        ResticVersion v = r.version();
        assertEquals(new ResticVersion(0, 14, 0), v);
        assertFalse(v.hasRetryLock());
        assertFalse(v.summaryHasFullId());
        assertFalse(v.hasDetailedExitCodes());
        assertEquals(v, r.version());
        assertEquals(1, fake.calls().size());
        assertTrue(ResticVersion.parse("restic 0.17.3 compiled with go1.22").hasDetailedExitCodes());
        assertTrue(ResticVersion.parse("restic 0.16.0 compiled").hasRetryLock());
    }

    @Test
    void exclusiveCommandsRetryTheLockOnlyWhereResticCan() {
        FakeProcessRunner old = new FakeProcessRunner().on("version", 0, resource("restic/version-0.14.txt"), "");
        assertFalse(new Restic(local(), old).args().exclusiveCommand("forget", "abc").contains("--retry-lock"));
        FakeProcessRunner recent = new FakeProcessRunner().on("version", 0, "restic 0.16.4 compiled with go1.21", "");
        List<String> cmd = new Restic(local(), recent).args().exclusiveCommand("forget", "abc");
        assertEquals(List.of("forget", "--retry-lock", "5m", "abc"), cmd.subList(cmd.indexOf("forget"), cmd.size()));
    }

    @Test
    void dryRunWithoutSummaryIsNotAnError() {
        FakeProcessRunner fake = new FakeProcessRunner().on("backup", 0, "", "");
        Restic r = new Restic(local(), fake);
        Restic.BackupOutcome o = r.backup(new BackupRequest("h", List.of("t"), List.of("/x"), List.of(), null, null,
                true), s -> { }, null);
        assertNull(o.summary());
    }

    @Test
    void streamedCommandsGetALargePipeThroughPerlWithTheirArgumentsUnchanged() throws Exception {
        Restic r = new Restic(local(), new FakeProcessRunner());
        List<String> dump = r.args().dumpArgs("abc123", "/srv/data");
        List<String> wrapped = ResticArgs.withLargePipe(dump);
        if (!java.nio.file.Files.isExecutable(ResticArgs.PERL)) {
            assertEquals(dump, wrapped);
            return;
        }
        assertEquals(List.of("/usr/bin/perl", "-e", ResticArgs.LARGE_PIPE), wrapped.subList(0, 3));
        assertEquals(dump, wrapped.subList(3, wrapped.size()));
        // the one-liner really resizes the pipe it is given as stdout, then execs the command
        // (F_GETPIPE_SZ = 1032 reads the size back in the exec'ed program)
        Process p = new ProcessBuilder(ResticArgs.withLargePipe(List.of("/usr/bin/perl", "-e", "print fcntl(STDOUT, 1032, 0)")))
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertEquals("1048576", out);
    }
}
