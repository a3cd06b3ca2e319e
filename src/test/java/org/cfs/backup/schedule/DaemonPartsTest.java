package org.cfs.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.alert.Alerts;
import org.cfs.backup.alert.RecordingAlerts;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.state.RunRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Check rotation, outcomes, freshness, alerts from job results, metrics rendering and the quota sample. */
class DaemonPartsTest {

    @Test
    void daemonConfigKeysAreValidated(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pw"), "x\n");
        String base = "repository: {url: /srv/repo, password-file: " + dir.resolve("pw") + "}\n";
        org.cfs.backup.config.ConfigLoader loader = new org.cfs.backup.config.ConfigLoader();
        Files.writeString(dir.resolve("a.yaml"), base);
        org.cfs.backup.config.Config c = loader.load(dir.resolve("a.yaml"));
        assertEquals(12, c.checkSubsets());
        assertNull(c.metricsListen());
        Files.writeString(dir.resolve("b.yaml"), base + "metrics-file: /tmp/m.prom\nmetrics-listen: 0.0.0.0:9187\ncheck-subsets: 4\n");
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.cfs.backup.config.ConfigException.class,
                () -> loader.load(dir.resolve("b.yaml")));
        assertTrue(e.getMessage().contains("metrics-listen") && e.getMessage().contains("line 3"), e.getMessage());
        Files.writeString(dir.resolve("c.yaml"), base + "check-subsets: 0\n");
        e = org.junit.jupiter.api.Assertions.assertThrows(org.cfs.backup.config.ConfigException.class,
                () -> loader.load(dir.resolve("c.yaml")));
        assertTrue(e.getMessage().contains("check-subsets"), e.getMessage());
        Files.writeString(dir.resolve("d.yaml"), base + "metrics-file: /tmp/m.prom\nmetrics-listen: 127.0.0.1:9187\ncheck-subsets: 4\n");
        c = loader.load(dir.resolve("d.yaml"));
        assertEquals(4, c.checkSubsets());
        assertEquals("127.0.0.1:9187", c.metricsListen());
    }

    @Test
    void checkRotationWalksAllSubsetsAndWraps(@TempDir Path dir) throws Exception {
        CheckRotation r = new CheckRotation(dir);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            seen.add(r.current(3));
            r.advance(3);
        }
        assertEquals(List.of("1/3", "2/3", "3/3", "1/3"), seen);
        assertEquals("1/5", new CheckRotation(dir).current(5), "a changed N starts again");
    }

    @Test
    void outcomesFromExitCodes() {
        assertEquals("ok", Outcome.of(0, false));
        assertEquals("partial", Outcome.of(3, false));
        assertEquals("failed", Outcome.of(1, false));
        assertEquals("failed", Outcome.of(4, false));
        assertEquals("interrupted", Outcome.of(130, false));
        assertEquals("interrupted", Outcome.of(1, true));
    }

    private static Snapshot snap(String tag, String time, String... more) {
        List<String> tags = new ArrayList<>(List.of(tag));
        tags.addAll(List.of(more));
        return new Snapshot("id" + time, null, Instant.parse(time), "h", List.of("/x"), tags, null, null, null);
    }

    @Test
    void freshnessCountsOnlyFinishedBackups() {
        Instant now = Instant.parse("2026-01-10T12:00:00Z");
        List<Snapshot> snaps = List.of(snap("db", "2026-01-10T03:00:00Z"), snap("web", "2026-01-08T03:00:00Z"),
                snap("web", "2026-01-10T11:00:00Z", "cfs-pass1"));
        Duration stale = Freshness.parseDuration("26h");
        List<Freshness.SourceAge> ages = Freshness.evaluate(List.of("db", "web", "new"), snaps, now, stale);
        assertFalse(ages.get(0).stale());
        assertTrue(ages.get(1).stale(), "a first-pass snapshot is not a finished backup");
        assertTrue(ages.get(2).stale());
        assertNull(ages.get(2).newestSnapshotTime());
        assertFalse(Freshness.evaluate(List.of("web"), List.of(snap("web", "2026-01-10T11:30:00Z")), now, stale).get(0).stale());
    }

    @Test
    void metricsRenderPerSourceAndJob(@TempDir Path dir) throws Exception {
        Map<String, Object> fig = new LinkedHashMap<>();
        fig.put("duration_s", 12.5);
        fig.put("downtime_s", 3.25);
        fig.put("data_added", 1048576);
        List<RunRecord> h = List.of(
                new RunRecord("backup", "db", Instant.parse("2026-01-10T03:00:00Z"), Instant.parse("2026-01-10T03:00:12Z"), "ok", "abc", fig, null),
                new RunRecord("backup", "db", Instant.parse("2026-01-11T03:00:00Z"), Instant.parse("2026-01-11T03:00:05Z"), "failed", null, Map.of(), "x"),
                new RunRecord("drill", null, Instant.parse("2026-01-11T06:00:00Z"), Instant.parse("2026-01-11T06:10:00Z"), "ok", null, Map.of(), null));
        Files.writeString(dir.resolve("quota.jsonl"), "{\"used\":1,\"free\":2}\n{\"used\":500,\"free\":1500}\n");
        String text = Metrics.render(List.of("db"), org.cfs.backup.Job.words(), h, StatusReport.lastQuotaSample(dir),
                Map.of("db", Instant.parse("2026-01-10T03:00:01Z")), Instant.parse("2026-01-11T07:00:00Z"));
        assertTrue(text.contains("cfs_backup_last_success_timestamp_seconds{source=\"db\"} 1768014012\n"), text);
        assertTrue(text.contains("cfs_backup_last_backup_ok{source=\"db\"} 0\n"), text);
        assertTrue(text.contains("cfs_backup_drill_passed 1\n"), text);
        assertTrue(text.contains("cfs_backup_quota_used_bytes 500\n"), text);
        assertTrue(text.contains("cfs_backup_quota_free_bytes 1500\n"), text);
        assertTrue(text.contains("cfs_backup_newest_snapshot_timestamp_seconds{source=\"db\"} 1768014001\n"), text);
        new Metrics(dir.resolve("m/cfs.prom")).write(List.of("db"), org.cfs.backup.Job.words(), h, null, Map.of(), Instant.EPOCH);
        assertTrue(Files.readString(dir.resolve("m/cfs.prom")).contains("# TYPE cfs_backup_drill_passed gauge"));
        assertEquals(500, new ObjectMapper().readTree(StatusReport.lastQuotaSample(dir).toString()).path("used").asInt());
    }
}
