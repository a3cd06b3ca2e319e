package org.cfs.backup.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.ExitCode;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.rclone.Testbed;
import org.cfs.backup.state.RunHistory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The upload estimate against a real restic repository (local, and behind a real rclone local remote). */
class UploadEstimateIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int SIZE = 3_000_000;
    Testbed t;

    @BeforeEach
    void setUp() throws Exception {
        t = new Testbed();
        byte[] b = new byte[SIZE];
        new Random(42).nextBytes(b);
        Files.write(t.dir.resolve("data/blob.bin"), b);
    }

    @AfterEach
    void tearDown() throws Exception {
        t.close();
    }

    /** Regression (issue 13): a first backup's estimate read and hashed every byte with a restic dry run. */
    @Test
    void aFirstBackupIsEstimatedFromFileSizesWithoutRestic() throws Exception {
        SourceConfig data = new SourceConfig("data", null, t.dir.resolve("data").toString(), null, null, null, null, null,
                null, null, null);
        UploadEstimate e = new UploadEstimator(Clock.systemUTC()).estimate(List.of(data), List.of(), true, 1_000_000L);
        assertTrue(e.estimated());
        assertEquals(List.of("data"), e.estimatedFromWalk());
        assertEquals(SIZE, e.estimatedBytes(), "the file's size: an upper bound, no content read");
        assertEquals(1, e.warnings().size(), e.warnings().toString());
        assertTrue(e.warnings().get(0).contains("free"), e.warnings().toString());
    }

    @Test
    void backupOnRcloneRemoteWarnsAndStillSucceeds() throws Exception {
        Files.writeString(t.rcloneConf, "[loc]\ntype = local\n");
        t.config("rclone:loc:" + t.dir.resolve("repo"), "loc", null, null);
        assertEquals(ExitCode.OK, t.run("init"), t.err);
        // the remote says it has 1000 bytes free: the 3 MB upload cannot fit (no history yet: the file sizes estimate)
        t.about("{\"total\": 2000, \"used\": 1000, \"free\": 1000}", null, 0);
        int code = t.run("backup", "--json");
        assertEquals(ExitCode.OK, code, t.out + t.err);
        assertEquals("ok", JSON.readTree(t.out).get("status").asText());
        assertTrue(t.err.contains("warning: this backup may upload about 2.9 MiB but the remote has only 1000 B free"), t.err);
        assertTrue(Files.readString(t.dir.resolve("log/cfs-backup.log")).contains("op=upload-estimate outcome=warning"));
        assertTrue(Files.readString(t.dir.resolve("state/alerts.json")).contains("upload-estimate"), "alerted");

        // second run: the first run's data_added (2.9 MiB) from the history is the estimate
        long before = new RunHistory(t.dir.resolve("state")).all().size();
        assertTrue(before >= 2);
        assertEquals(ExitCode.OK, t.run("backup", "--json"), t.err);
        assertTrue(t.err.contains("warning: this backup may upload about 2.9 MiB"),
                "the last run's figure (2.9 MiB added) is the estimate: " + t.err);
        JsonNode n = JSON.readTree(t.out);
        assertEquals("ok", n.get("sources").get(0).get("status").asText());

        // with room, no warning at all
        t.about("{\"total\": 100000000000, \"used\": 1000, \"free\": 99999999000}", null, 0);
        assertEquals(ExitCode.OK, t.run("backup"), t.err);
        assertFalse(t.err.contains("warning:"), t.err);
        assertFalse(Files.readString(t.dir.resolve("state/alerts.json")).contains("upload-estimate"), "cleared");
    }
}
