package org.cfs.backup.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The drill report factories: passed follows the problems, a failed source has no snapshot and no counts. */
class SourceDrillTest {
    @Test
    void factoriesFillWhatTheConstructorCallsDid() {
        assertEquals(new SourceDrill("s1", true, "abcd1234", 3, 40, 1.5, List.of(), "stream", null, null),
                SourceDrill.verified("s1", "abcd1234", 3, 40, 1.5, List.of(), "stream"));
        assertEquals(new SourceDrill("s1", false, "abcd1234", 3, 40, 1.5, List.of("x: missing"), "stream", null, null),
                SourceDrill.verified("s1", "abcd1234", 3, 40, 1.5, List.of("x: missing"), "stream"));
        assertEquals(new SourceDrill("db", false, null, 0, 0, 0.2, List.of("no snapshot"), "dump", null, null),
                SourceDrill.failed("db", "dump", 0.2, List.of("no snapshot")));
        assertEquals(new SourceDrill("s1", true, "abcd1234", 3, 40, 1.5, List.of(), "full", 0.75, 12.5),
                SourceDrill.verified("s1", "abcd1234", 3, 40, 1.5, List.of(), "full").withRestoreTime(0.75, 12.5));
    }

    @Test
    void aDrillPassesOnlyWhenEverySourceDid() {
        SourceDrill ok = SourceDrill.verified("a", "1", 1, 1, 0.1, List.of(), "stream");
        SourceDrill bad = SourceDrill.failed("b", "stream", 0.1, List.of("no snapshot"));
        assertEquals(new DrillReport(true, List.of(ok)), DrillReport.of(List.of(ok)));
        assertEquals(new DrillReport(false, List.of(ok, bad)), DrillReport.of(List.of(ok, bad)));
    }
}
