package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.cfs.backup.restic.ResticProgress;
import org.junit.jupiter.api.Test;

/** Issue 14: the progress line's text, its pace, and when it is shown at all. */
class ProgressLineTest {
    @Test
    void resticsOwnCounterWithRateAndEta() {
        assertEquals("check: 62.5% 5 / 8 packs, 2.5/s, ETA 0:01",
                ProgressLine.render("check", new ResticProgress("packs", 5, 8, Duration.ofSeconds(2))));
        assertEquals("prune: 100.0% 4 / 4 files deleted, 4.0/s",
                ProgressLine.render("prune", new ResticProgress("files deleted", 4, 4, Duration.ofSeconds(1))));
        assertEquals("check: 3 snapshots", ProgressLine.render("check", new ResticProgress("snapshots", 3, -1,
                Duration.ZERO)));
    }

    @Test
    void bytesOfAStreamWithTheirRate() {
        assertEquals("drill: 12.0 MiB, 4.0 MiB/s", ProgressLine.render("drill",
                new ResticProgress(ResticProgress.BYTES, 12L << 20, -1, Duration.ofSeconds(3))));
        assertEquals("restore: 50.0% 1.0 MiB / 2.0 MiB, 1.0 MiB/s, ETA 0:01", ProgressLine.render("restore",
                new ResticProgress(ResticProgress.BYTES, 1L << 20, 2L << 20, Duration.ofSeconds(1))));
    }

    @Test
    void overwritesItselfAtMostFourTimesASecondButAlwaysShowsTheEndAndClearsOnClose() {
        StringWriter out = new StringWriter();
        AtomicLong now = new AtomicLong(0);
        try (ProgressLine p = new ProgressLine("check", new PrintWriter(out), now::get)) {
            p.progress(new ResticProgress("packs", 1, 8, Duration.ofSeconds(1)));
            now.set(100_000_000L);
            p.progress(new ResticProgress("packs", 2, 8, Duration.ofSeconds(1))); // too soon: skipped
            now.set(300_000_000L);
            p.progress(new ResticProgress("packs", 3, 8, Duration.ofSeconds(1)));
            p.progress(new ResticProgress("packs", 8, 8, Duration.ofSeconds(1))); // the end: always
        }
        String s = out.toString();
        assertEquals(3, s.split("\r\033\\[K", -1).length - 2, s); // three lines drawn, then one clear
        assertTrue(s.contains("1 / 8 packs") && s.contains("3 / 8 packs") && s.contains("8 / 8 packs"), s);
        assertTrue(!s.contains("2 / 8 packs"), s);
        assertTrue(s.endsWith("\r\033[K"), "the line is cleared before the result is printed");
        assertTrue(!s.contains("\n"), "nothing but the one line");
    }

    @Test
    void onlyOnATerminalAndNeverWithJson() {
        PrintWriter err = new PrintWriter(new StringWriter());
        assertNull(ProgressLine.on("check", true, Map.of(ProgressLine.ENV, "1"), err), "--json: nothing extra");
        assertNull(ProgressLine.on("check", false, Map.of(ProgressLine.ENV, "0"), err));
        assertTrue(ProgressLine.terminal(Map.of(), true));
        assertTrue(!ProgressLine.terminal(Map.of(), false), "not a terminal: nothing extra");
        assertTrue(ProgressLine.terminal(Map.of(ProgressLine.ENV, "1"), false));
        assertTrue(!ProgressLine.terminal(Map.of(ProgressLine.ENV, "0"), true));
    }
}
