package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.cfs.backup.backup.BackupReport;
import org.cfs.backup.backup.SourceResult;
import org.cfs.backup.process.Cancellation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriveRunsTest {
    @TempDir
    Path dir;

    private Services services(String url) throws Exception {
        Files.writeString(dir.resolve("pw"), "x\n");
        Path cfg = dir.resolve("config.yaml");
        Files.writeString(cfg, "repository:\n  url: " + url + "\n  password-file: " + dir.resolve("pw") + "\n"
                + "state-dir: " + dir.resolve("state") + "\nlog-dir: " + dir.resolve("log") + "\n");
        return new Services(cfg, Map.of(), new Cancellation(), new PrintWriter(new StringWriter()));
    }

    private static final String RESTIC_ERROR = "restic backup failed: unknown error (restic exit 1): "
            + "rclone: 2026/11/20 04:12:33 ERROR : Google drive root 'cfs-backup': Received upload limit error: "
            + "googleapi: Error 403: User rate limit exceeded., userRateLimitExceeded";

    @Test
    void failedSourceOnDriveGetsItsReason() throws Exception {
        StringWriter err = new StringWriter();
        BackupReport report = BackupReport.of(List.of(SourceResult.failed("data", 1.0, 0, RESTIC_ERROR)));
        DriveRuns.afterBackup(services("rclone:gd:cfs-backup"), report, new PrintWriter(err));
        assertTrue(err.toString().contains("data: upload_limit: Drive's upload limit of 750 GB"), err.toString());
    }

    @Test
    void localRepositoriesAreLeftAlone() throws Exception {
        StringWriter err = new StringWriter();
        BackupReport report = BackupReport.of(List.of(SourceResult.failed("data", 1.0, 0, RESTIC_ERROR)));
        DriveRuns.afterBackup(services(dir.resolve("repo").toString()), report, new PrintWriter(err));
        assertEquals("", err.toString());
        assertEquals(null, DriveRuns.beforeBackup(services(dir.resolve("repo").toString()), List.of(), new PrintWriter(err)));
    }

    /** The quota job's recent answer saves a backup its own rclone about, less what was added since. */
    @Test
    void aRecentQuotaSampleStandsInForAbout() throws Exception {
        Services s = services("rclone:gd:cfs-backup");
        java.time.Instant now = java.time.Instant.now();
        var samples = new org.cfs.backup.quota.QuotaSamples(dir.resolve("state"));
        samples.append(new org.cfs.backup.quota.QuotaSample(now.minusSeconds(600), "gd", 100L, 40L, 60_000L, 0L, "ok", null));
        var added = new org.cfs.backup.state.RunRecord("backup", "data", now.minusSeconds(300), now.minusSeconds(200), "ok",
                "abc", Map.of("data_added", 10_000L), null);
        var before = new org.cfs.backup.state.RunRecord("backup", "data", now.minusSeconds(900), now.minusSeconds(800), "ok",
                "abd", Map.of("data_added", 99_999L), null);
        assertEquals(50_000L, DriveRuns.recentFree(s, "gd", List.of(before, added)));
        assertEquals(null, DriveRuns.recentFree(s, "other", List.of()), "another remote's sample says nothing");
        samples.append(new org.cfs.backup.quota.QuotaSample(now.minusSeconds(7200), "gd", 100L, 40L, 60_000L, 0L, "ok", null));
        assertEquals(null, DriveRuns.recentFree(s, "gd", List.of()), "an old sample is asked again");
    }
}
