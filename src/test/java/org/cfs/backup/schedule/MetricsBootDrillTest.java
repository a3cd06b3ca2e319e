package org.cfs.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16: the boot drill's series in the Prometheus text file, from the run history's boot-drill records. */
class MetricsBootDrillTest {
    private static RunRecord boot(String source, String end, String status, Double sth, Long scratch) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("mode", "boot-volume");
        if (sth != null) {
            f.put("seconds_to_healthy", sth);
        }
        if (scratch != null) {
            f.put("scratch_bytes", scratch);
        }
        Instant e = Instant.parse(end);
        return new RunRecord("boot-drill", source, e.minusSeconds(30), e, status, "abc", f, "ok".equals(status) ? null : "x");
    }

    private static final List<RunRecord> HISTORY = List.of(
            boot("webui", "2026-01-04T06:31:00Z", "ok", 15.25, 49152L),
            boot("webui", "2026-01-11T06:31:00Z", "failed", null, 52000L),
            boot("db", "2026-01-11T06:32:00Z", "ok", 7.0, 104857600L),
            // the run's own record (no source) and another job's: not per-source boot drills
            new RunRecord("boot-drill", null, Instant.parse("2026-01-11T06:30:00Z"), Instant.parse("2026-01-11T06:33:00Z"),
                    "failed", null, Map.of(), "boot drill failed for webui"),
            new RunRecord("drill", "files", Instant.parse("2026-01-11T06:00:00Z"), Instant.parse("2026-01-11T06:01:00Z"),
                    "ok", "def", Map.of("seconds_to_healthy", 99), null));

    @Test
    void perSourceBootDrillSeries() {
        String text = Metrics.render(List.of("webui", "db", "files"), org.cfs.backup.Job.words(), HISTORY, null, Map.of(),
                Instant.parse("2026-01-11T07:00:00Z"));
        assertTrue(text.contains("# TYPE cfs_backup_boot_drill_passed gauge\n"), text);
        assertTrue(text.contains("\ncfs_backup_boot_drill_passed{source=\"webui\"} 0\n"), text);
        assertTrue(text.contains("\ncfs_backup_boot_drill_passed{source=\"db\"} 1\n"), text);
        // the last one that passed (a week before the failed one)
        assertTrue(text.contains("\ncfs_backup_boot_drill_last_passed_timestamp_seconds{source=\"webui\"} 1767508260\n"), text);
        assertTrue(text.contains("\ncfs_backup_boot_drill_last_passed_timestamp_seconds{source=\"db\"} 1768113120\n"), text);
        assertTrue(text.contains("\ncfs_backup_boot_drill_seconds_to_healthy{source=\"webui\"} 15.250\n"), text);
        assertTrue(text.contains("\ncfs_backup_boot_drill_seconds_to_healthy{source=\"db\"} 7\n"), text);
        // the scratch space of the last boot drill, also a failed one
        assertTrue(text.contains("\ncfs_backup_boot_drill_scratch_bytes{source=\"webui\"} 52000\n"), text);
        assertTrue(text.contains("\ncfs_backup_boot_drill_scratch_bytes{source=\"db\"} 104857600\n"), text);
        // a source without boot drills has no lines; the headers are there anyway
        assertFalse(text.contains("cfs_backup_boot_drill_passed{source=\"files\"}"), text);
        assertFalse(text.contains("seconds_to_healthy{source=\"files\"}"), text);
        assertTrue(text.contains("# TYPE cfs_backup_boot_drill_seconds_to_healthy gauge\n"), text);
        assertTrue(text.contains("# TYPE cfs_backup_boot_drill_scratch_bytes gauge\n"), text);
        assertTrue(text.contains("# TYPE cfs_backup_boot_drill_last_passed_timestamp_seconds gauge\n"), text);
    }

    @Test
    void fromTheHistoryFileAsTheDaemonReadsIt(@TempDir Path dir) throws Exception {
        RunHistory h = new RunHistory(dir);
        for (RunRecord r : HISTORY) {
            h.append(r);
        }
        Path file = dir.resolve("m/cfs.prom");
        new Metrics(file).write(List.of("webui", "db"), org.cfs.backup.Job.words(), h.all(), null, Map.of(),
                Instant.parse("2026-01-11T07:00:00Z"));
        String text = Files.readString(file);
        assertTrue(text.contains("\ncfs_backup_boot_drill_seconds_to_healthy{source=\"webui\"} 15.250\n"), text);
        assertTrue(text.contains("\ncfs_backup_boot_drill_scratch_bytes{source=\"db\"} 104857600\n"), text);
        assertEquals(1, text.lines().filter(l -> l.startsWith("cfs_backup_boot_drill_passed{source=\"db\"} 1")).count(), text);
    }
}
