package org.cfs.backup.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cfs.backup.ExitCode;
import org.cfs.backup.config.QuotaConfig;
import org.junit.jupiter.api.Test;

class QuotaLevelTest {
    final QuotaConfig q = new QuotaConfig("20GiB", "5GiB");
    final long gib = 1L << 30;

    private QuotaLevel level(Long free) {
        return QuotaLevel.of(free, q.warnFreeBytes(), q.criticalFreeBytes());
    }

    @Test
    void levelsAtTheThresholds() {
        assertEquals(QuotaLevel.OK, level(20 * gib));
        assertEquals(QuotaLevel.WARNING, level(20 * gib - 1));
        assertEquals(QuotaLevel.WARNING, level(5 * gib));
        assertEquals(QuotaLevel.CRITICAL, level(5 * gib - 1));
        assertEquals(QuotaLevel.CRITICAL, level(0L));
        assertEquals(QuotaLevel.UNKNOWN, level(null));
    }

    @Test
    void exitCodes() {
        assertEquals(ExitCode.OK, QuotaLevel.OK.exitCode());
        assertEquals(ExitCode.PARTIAL, QuotaLevel.WARNING.exitCode());
        assertEquals(ExitCode.FAILED, QuotaLevel.CRITICAL.exitCode());
        assertEquals(ExitCode.FAILED, QuotaLevel.UNKNOWN.exitCode());
        assertEquals("warning", QuotaLevel.WARNING.toString());
    }
}
