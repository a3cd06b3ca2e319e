package org.cfs.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.cfs.backup.config.RetentionConfig;
import org.junit.jupiter.api.Test;

/** The keep-* flags, the shrink guard's threshold and the prune summary. */
class RetentionTest {
    @Test
    void policyFlags() {
        assertEquals(List.of("--keep-last", "3", "--keep-daily", "7", "--keep-weekly", "4", "--keep-monthly", "12"),
                RetentionPolicy.flags(RetentionConfig.defaults()));
        assertEquals(List.of("--keep-hourly", "24", "--keep-yearly", "2", "--keep-within", "30d"),
                RetentionPolicy.flags(new RetentionConfig(0, 24, null, null, null, 2, "30d")));
    }

    @Test
    void shrinkGuardTripsBelowHalf() {
        assertTrue(ShrinkGuard.trips(49, 100));
        assertFalse(ShrinkGuard.trips(50, 100));
        assertFalse(ShrinkGuard.trips(200, 100));
        assertFalse(ShrinkGuard.trips(0, 0));
        assertTrue(ShrinkGuard.trips(0, 1));
    }

    @Test
    void pruneSummaryFromResticText() {
        String out = "loading indexes...\n\nto repack:             0 blobs / 0 B\nthis removes:          0 blobs / 0 B\n"
                + "to delete:             7 blobs / 1.909 MiB\ntotal prune:           7 blobs / 1.909 MiB\n"
                + "remaining:             3 blobs / 488.817 KiB\nunused size after prune: 0 B (0.00% of remaining size)\n\ndone\n";
        assertEquals("total prune: 7 blobs / 1.909 MiB; remaining: 3 blobs / 488.817 KiB; unused size after prune: 0 B (0.00% of remaining size)",
                PruneOperation.summarize(out));
    }
}
