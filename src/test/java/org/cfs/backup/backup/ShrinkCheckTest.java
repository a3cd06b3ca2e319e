package org.cfs.backup.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.cfs.backup.state.RunRecord;
import org.junit.jupiter.api.Test;

/** A snapshot under half of the source's previous one is {@code partial} at backup time (issue 14). */
class ShrinkCheckTest {
    private static SourceResult ok(String source, long bytes) {
        return new SourceResult(source, "ok", "new1", 1, 0, null, 1, 0, 10, bytes, false);
    }

    private static RunRecord before(String source, long bytes) {
        return new RunRecord("backup", source, Instant.EPOCH, Instant.EPOCH, "ok", "old1",
                Map.of("bytes_processed", bytes), null);
    }

    @Test
    void underHalfOfThePreviousSnapshotIsPartialWithTheReason() {
        SourceResult r = BackupOperation.shrinkCheck(ok("w", 400), List.of(before("w", 1000), before("other", 10)));
        assertEquals("partial", r.status());
        assertTrue(r.shrunk().contains("less than half of the previous one old1"), r.shrunk());
        assertEquals(r.shrunk(), r.error());
        assertEquals(org.cfs.backup.ExitCode.PARTIAL, BackupReport.of(List.of(r)).exitCode());
    }

    @Test
    void halfOrMoreNoHistoryAFailedOrDryRunAreLeftAlone() {
        SourceResult half = ok("w", 500);
        assertSame(half, BackupOperation.shrinkCheck(half, List.of(before("w", 1000))));
        SourceResult first = ok("w", 1);
        assertSame(first, BackupOperation.shrinkCheck(first, List.of(before("other", 1000))));
        SourceResult failed = SourceResult.failed("w", 1, 0, "x");
        assertSame(failed, BackupOperation.shrinkCheck(failed, List.of(before("w", 1000))));
        SourceResult dry = new SourceResult("w", "ok", null, 1, 0, null, 0, 0, 0, 1, true);
        assertSame(dry, BackupOperation.shrinkCheck(dry, List.of(before("w", 1000))));
        // the newest previous snapshot counts, not an older bigger one
        assertNull(BackupOperation.shrinkCheck(ok("w", 400), List.of(before("w", 1000), before("w", 500))).shrunk());
    }

    @Test
    void bothPassesAreSummed() {
        SourceResult r = ok("w", 100).withPasses(new SourceResult.Pass(1, "p1", 3, 1, 20_000_000, 100),
                new SourceResult.Pass(2, "p2", 1, 2, 22_000, 100));
        assertEquals(20_022_000, r.dataAdded());
        assertEquals(4, r.filesNew());
        assertEquals(3, r.filesChanged());
        assertEquals(2, r.passes().size());
    }
}
