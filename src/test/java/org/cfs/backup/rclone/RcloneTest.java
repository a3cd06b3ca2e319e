package org.cfs.backup.rclone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.process.ProcessSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RcloneTest {
    @TempDir
    Path dir;

    /** Replays one answer and keeps what it was asked to run. */
    static final class Replay implements ProcessRunner {
        final List<ProcessSpec> seen = new ArrayList<>();
        final ProcessResult answer;

        Replay(int exit, String stdout, String stderr) {
            this.answer = new ProcessResult(exit, stdout, stderr, Duration.ZERO, false);
        }

        @Override
        public ProcessResult run(ProcessSpec spec) {
            seen.add(spec);
            return answer;
        }
    }

    @Test
    void argumentListsAlwaysRefuseToPrompt() {
        Rclone r = new Rclone("rclone", Path.of("/etc/cfs-backup/rclone.conf"), null, new Replay(0, "", ""));
        assertEquals(List.of("rclone", "about", "gdrive:", "--json", "--ask-password=false"), r.aboutArgs("gdrive"));
        assertEquals(List.of("rclone", "about", "gdrive:", "--json", "--ask-password=false"), r.aboutArgs("gdrive:"));
        assertEquals(List.of("rclone", "config", "dump", "--ask-password=false"), r.configDumpArgs());
        assertEquals(List.of("rclone", "cleanup", "gdrive:", "--ask-password=false"), r.cleanupArgs("gdrive"));
        assertEquals(List.of("rclone", "rcd", "--rc-addr", "127.0.0.1:0", "--ask-password=false"), r.rcdArgs());
    }

    @Test
    void environmentCarriesConfigAndPasswordFromFile() throws Exception {
        Path pass = dir.resolve("pass");
        Files.writeString(pass, "s3cret-config-pass\n");
        Rclone r = new Rclone("rclone", Path.of("/x/rclone.conf"), pass, new Replay(0, "", ""));
        Map<String, String> env = r.environment();
        assertEquals("/x/rclone.conf", env.get("RCLONE_CONFIG"));
        assertEquals("s3cret-config-pass", env.get("RCLONE_CONFIG_PASS"));
        ProcessSpec spec = r.spec(r.aboutArgs("g")).build();
        assertFalse(spec.command().toString().contains("s3cret"));
        assertFalse(spec.toString().contains("s3cret"));
    }

    @Test
    void missingPasswordFileIsAUsageError() {
        Rclone r = new Rclone("rclone", null, dir.resolve("nope"), new Replay(0, "", ""));
        CfsException e = assertThrows(CfsException.class, r::environment);
        assertEquals(ExitCode.USAGE, e.exitCode());
    }

    @Test
    void aboutParsesDriveAndSharedDriveAnswers() {
        About a = Rclone.parseAbout("{\"total\": 16106127360, \"used\": 5368709120, \"trashed\": 1073741824,"
                + " \"other\": 10, \"free\": 10737418240}");
        assertEquals(16106127360L, a.total());
        assertEquals(1073741824L, a.trashed());
        assertEquals(10737418240L, a.free());
        About shared = Rclone.parseAbout("{}");
        assertNull(shared.free());
        assertNull(shared.total());
    }

    @Test
    void failedAboutIsClassified() {
        Replay runner = new Replay(1, "", "2026/11/20 03:00:40 Failed to about: googleapi: Error 403: The user's Drive"
                + " storage quota has been exceeded., storageQuotaExceeded\n");
        Rclone r = new Rclone("rclone", null, null, runner);
        RcloneException e = assertThrows(RcloneException.class, () -> r.about("gdrive"));
        assertEquals(DriveError.STORAGE_QUOTA, e.error());
        assertEquals(ExitCode.FAILED, e.exitCode());
        assertTrue(e.getMessage().contains("storageQuotaExceeded"));
    }

    @Test
    void remoteTypeFromPlainFileWithoutRunningRclone() throws Exception {
        Path conf = dir.resolve("rclone.conf");
        Files.writeString(conf, "[loc]\ntype = local\n\n[gdrive]\nclient_id = x\ntype = drive\n");
        Replay runner = new Replay(1, "", "must not run");
        Rclone r = new Rclone("rclone", conf, null, runner);
        assertEquals("drive", r.remoteType("gdrive"));
        assertEquals("local", r.remoteType("loc:"));
        assertTrue(runner.seen.isEmpty());
    }

    @Test
    void remoteTypeOfEncryptedFileAsksRcloneOnce() throws Exception {
        Path conf = dir.resolve("rclone.conf");
        Files.writeString(conf, "# Encrypted rclone configuration File\n\nRCLONE_ENCRYPT_V0:\nabc\n");
        Replay runner = new Replay(0, "{\"gdrive\": {\"type\": \"drive\", \"token\": \"{}\"}}", "");
        Rclone r = new Rclone("rclone", conf, null, runner);
        assertEquals("drive", r.remoteType("gdrive"));
        assertEquals(1, runner.seen.size());
        assertEquals(List.of("rclone", "config", "dump", "--ask-password=false"), runner.seen.get(0).command());
    }

    @Test
    void authorizeLineIsExact() {
        assertEquals("rclone authorize \"drive\" \"1-a.apps.googleusercontent.com\" \"GOCSPX-x\"",
                RemoteSetup.authorizeLine("1-a.apps.googleusercontent.com", "GOCSPX-x"));
    }
}
