package org.cfs.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cfs.backup.state.RunRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Missed-run catch-up with an injected clock, and the cron arithmetic under it. */
class CatchUpTest {
    private static final Map<String, String> CRONS = Map.of("backup", "0 0 3 * * ?");

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    private static RunRecord run(String job, String start, String end) {
        return new RunRecord(job, null, Instant.parse(start), Instant.parse(end), "ok", null, Map.of(), null);
    }

    @Test
    void firstStartRegistersAndMakesNothingUp(@TempDir Path dir) throws Exception {
        assertEquals(List.of(), new CatchUp(dir, at("2026-01-10T04:00:00Z")).due(CRONS, List.of()));
        assertTrue(Files.readString(dir.resolve("schedule.json")).contains("2026-01-10T04:00:00Z"));
    }

    @Test
    void missedRunIsDueOnceAndNotRepeatedAfterItRan(@TempDir Path dir) {
        new CatchUp(dir, at("2026-01-01T00:00:00Z")).due(CRONS, List.of());
        List<RunRecord> history = new ArrayList<>();
        history.add(run("backup", "2026-01-09T03:00:00Z", "2026-01-09T03:20:00Z"));
        // host down from 02:00 to 04:00 on Jan 10
        List<CatchUp.Due> due = new CatchUp(dir, at("2026-01-10T04:00:00Z")).due(CRONS, history);
        assertEquals(List.of(new CatchUp.Due("backup", Instant.parse("2026-01-10T03:00:00Z"))), due);
        // the made-up run is recorded; the next start (same day) makes nothing up
        history.add(run("backup", "2026-01-10T04:00:01Z", "2026-01-10T04:10:00Z"));
        assertEquals(List.of(), new CatchUp(dir, at("2026-01-10T05:00:00Z")).due(CRONS, history));
        // the next day's 03:00 is missed again: due again
        assertEquals(1, new CatchUp(dir, at("2026-01-11T06:00:00Z")).due(CRONS, history).size());
    }

    @Test
    void aChangedCronStartsAfresh(@TempDir Path dir) {
        new CatchUp(dir, at("2026-01-01T00:00:00Z")).due(CRONS, List.of());
        assertEquals(List.of(), new CatchUp(dir, at("2026-01-10T04:00:00Z")).due(Map.of("backup", "0 0 2 * * ?"), List.of()));
        assertEquals(1, new CatchUp(dir, at("2026-01-11T04:00:00Z")).due(Map.of("backup", "0 0 2 * * ?"), List.of()).size());
    }

    @Test
    void sourceRecordsDoNotCountAsJobRuns(@TempDir Path dir) {
        new CatchUp(dir, at("2026-01-01T00:00:00Z")).due(CRONS, List.of());
        RunRecord perSource = new RunRecord("backup", "mariadb", Instant.parse("2026-01-10T03:30:00Z"),
                Instant.parse("2026-01-10T03:31:00Z"), "ok", "abc", Map.of(), null);
        RunRecord otherJob = run("prune", "2026-01-10T03:30:00Z", "2026-01-10T03:31:00Z");
        assertEquals(1, new CatchUp(dir, at("2026-01-10T04:00:00Z")).due(CRONS, List.of(perSource, otherJob)).size());
    }

    @Test
    void previousFireTimes() {
        ZoneId utc = ZoneOffset.UTC;
        Instant now = Instant.parse("2026-01-14T12:00:00Z"); // a Wednesday
        assertEquals(Instant.parse("2026-01-11T04:30:00Z"),
                CronSchedule.previous("0 30 4 ? * SUN", now, Instant.parse("2025-01-01T00:00:00Z"), utc));
        assertEquals(Instant.parse("2026-01-14T12:00:00Z"),
                CronSchedule.previous("*/5 * * * * ?", now, Instant.parse("2025-01-01T00:00:00Z"), utc));
        assertNull(CronSchedule.previous("0 30 4 ? * SUN", now, Instant.parse("2026-01-12T00:00:00Z"), utc));
        assertEquals(Instant.parse("2026-01-15T03:00:00Z"), CronSchedule.next("0 0 3 * * ?", now, utc));
        // host time zone: 03:00 in Berlin is 02:00 UTC in winter
        assertEquals(Instant.parse("2026-01-15T02:00:00Z"), CronSchedule.next("0 0 3 * * ?", now, ZoneId.of("Europe/Berlin")));
    }
}
