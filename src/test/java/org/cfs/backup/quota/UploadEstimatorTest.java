package org.cfs.backup.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.state.RunRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class UploadEstimatorTest {
    static final long GB = 1_000_000_000L;
    final Clock clock = Clock.fixed(Instant.parse("2026-11-22T03:00:00Z"), ZoneOffset.UTC);
    final UploadEstimator estimator = new UploadEstimator(clock);

    static SourceConfig path(String name) {
        return new SourceConfig(name, null, "/nonexistent/" + name, null, null, null, null, null, null, null, null);
    }

    static SourceConfig volume(String name) {
        return new SourceConfig(name, "vol_" + name, null, null, null, null, null, null, null, null, null);
    }

    private RunRecord run(String source, Duration ago, String status, long added) {
        Instant end = clock.instant().minus(ago);
        return new RunRecord("backup", source, end.minusSeconds(60), end, status, "abc", Map.of("data_added", added), null);
    }

    @Test
    void lastGoodRunPerSourceIsTheEstimate() {
        List<RunRecord> h = List.of(run("a", Duration.ofDays(2), "ok", 5 * GB), run("a", Duration.ofDays(1), "ok", 2 * GB),
                run("a", Duration.ofHours(30), "failed", 0), run("b", Duration.ofDays(3), "partial", 3 * GB));
        UploadEstimate e = estimator.estimate(List.of(path("a"), path("b"), volume("c")), h, true, 100 * GB);
        assertEquals(5 * GB, e.estimatedBytes());
        assertEquals(List.of("c"), e.unknownSources());
        assertEquals(UploadEstimator.DRIVE_DAILY_CAP, e.capRemaining());
        assertTrue(e.warnings().isEmpty(), e.warnings().toString());
    }

    @Test
    void warnsWhenTheDailyCapIsNearlyUsed() {
        List<RunRecord> h = List.of(run("a", Duration.ofHours(20), "ok", 745 * GB), run("b", Duration.ofDays(3), "ok", 10 * GB));
        UploadEstimate e = estimator.estimate(List.of(path("a"), path("b")), h, true, null);
        assertEquals(5 * GB, e.capRemaining());
        assertEquals(745 * GB, e.uploadedLast24h());
        assertEquals(1, e.warnings().size());
        assertTrue(e.warnings().get(0).contains("750 GB/day"), e.warnings().get(0));
    }

    @Test
    void noCapOffDrive() {
        List<RunRecord> h = List.of(run("a", Duration.ofHours(2), "ok", 900 * GB));
        UploadEstimate e = estimator.estimate(List.of(path("a")), h, false, null);
        assertNull(e.capRemaining());
        assertTrue(e.warnings().isEmpty());
    }

    @Test
    void warnsWhenFreeSpaceIsShort() {
        List<RunRecord> h = List.of(run("a", Duration.ofDays(2), "ok", 8 * GB));
        UploadEstimate e = estimator.estimate(List.of(path("a")), h, false, 3 * GB);
        assertEquals(1, e.warnings().size());
        assertTrue(e.warnings().get(0).contains("free"));
    }

    private RunRecord sized(String source, Duration ago, long added, long size) {
        Instant end = clock.instant().minus(ago);
        return new RunRecord("backup", source, end.minusSeconds(60), end, "ok", "abc",
                Map.of("data_added", added, "bytes_processed", size), null);
    }

    @Test
    void ampleRoomForTheSourcesLastSizesEstimatesNothing() {
        List<RunRecord> h = List.of(sized("a", Duration.ofDays(1), 2 * GB, 40 * GB), sized("c", Duration.ofDays(1), GB, 9 * GB));
        UploadEstimate e = estimator.estimate(List.of(path("a"), volume("c")), h, true, 100 * GB);
        assertFalse(e.estimated(), "50 GB at most against 100 GB free and the whole cap: no estimate");
        assertTrue(e.warnings().isEmpty());
        assertTrue(e.estimatedFromWalk().isEmpty());
    }

    @Test
    void aPathSourceWithoutHistoryIsBoundedByItsFilesystemFirst(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.txt"), "a");
        SourceConfig p = new SourceConfig("p", null, dir.toString(), null, null, null, null, null, null, null, null);
        UploadEstimate ample = estimator.estimate(List.of(p), List.of(), false, Long.MAX_VALUE / 4);
        assertFalse(ample.estimated(), "the filesystem's used space fits: nothing walked");
        UploadEstimate tight = estimator.estimate(List.of(p), List.of(), false, 0L);
        assertTrue(tight.estimated());
        assertEquals(List.of("p"), tight.estimatedFromWalk());
        assertEquals(1, tight.estimatedBytes());
    }

    /** A stat-only walk: a sparse 1 TiB file is counted at once; reading it would never end. */
    @Test
    @Timeout(30)
    void theWalkNeverReadsContents(@TempDir Path dir) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("model.bin").toFile(), "rw")) {
            f.setLength(1L << 40);
        }
        assertEquals(1L << 40, UploadEstimator.fileSizes(List.of(dir.toString())));
        assertNull(UploadEstimator.fileSizes(List.of(dir.resolve("missing").toString())));
    }
}
