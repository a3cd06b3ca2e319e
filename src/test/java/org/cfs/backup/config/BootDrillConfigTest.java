package org.cfs.backup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code boot-drill:} per source and {@code schedule.boot-drill} (issue 16): defaults, and errors with key and line. */
class BootDrillConfigTest {
    @TempDir
    Path dir;
    private Path pw;

    @BeforeEach
    void passwordFile() throws IOException {
        pw = Files.writeString(dir.resolve("pw"), "secret\n");
    }

    private Config load(String yaml) throws IOException {
        Path f = Files.writeString(dir.resolve("config.yaml"),
                "repository:\n  url: /srv/repo\n  password-file: " + pw + "\n" + yaml);
        return new ConfigLoader().load(f);
    }

    private String error(String yaml) {
        return assertThrows(ConfigException.class, () -> load(yaml)).getMessage();
    }

    @Test
    void defaultsWhenAbsent() throws IOException {
        Config c = load("sources:\n  - name: w\n    volume: v\n");
        BootDrillConfig b = c.sources().get(0).bootDrillOrDefault();
        assertNull(c.sources().get(0).bootDrill());
        assertEquals(Duration.ofSeconds(120), b.timeoutDuration());
        assertEquals(Duration.ofSeconds(15), b.settleDuration());
        assertEquals(Duration.ofDays(8), b.maxAgeDuration());
        assertTrue(b.enabledOrDefault());
        assertEquals(List.of(), b.probeOrEmpty());
        assertEquals("0 30 6 ? * SUN", c.schedule().bootDrill());
    }

    @Test
    void everyKeyIsRead() throws IOException {
        Config c = load("""
                sources:
                  - name: w
                    volume: v
                    boot-drill:
                      container: open-webui
                      probe: [curl, -fsS, http://127.0.0.1:8080/health]
                      timeout: 3m
                      settle: 20s
                      max-age: 14d
                      enabled: false
                schedule:
                  boot-drill: "0 7 * * 6"
                """);
        BootDrillConfig b = c.sources().get(0).bootDrill();
        assertEquals("open-webui", b.container());
        assertEquals(List.of("curl", "-fsS", "http://127.0.0.1:8080/health"), b.probe());
        assertEquals(Duration.ofMinutes(3), b.timeoutDuration());
        assertEquals(Duration.ofSeconds(20), b.settleDuration());
        assertEquals(Duration.ofDays(14), b.maxAgeDuration());
        assertFalse(b.enabledOrDefault());
        assertEquals(Cron.toQuartz("0 7 * * 6"), c.schedule().bootDrill());
    }

    @Test
    void errorsNameTheKeyAndLine() {
        String bad = error("sources:\n  - name: w\n    volume: v\n    boot-drill:\n      timeout: soon\n");
        assertTrue(bad.contains("line 8: key 'sources[0].boot-drill.timeout': 'soon' is not a duration"), bad);
        String unknown = error("sources:\n  - name: w\n    volume: v\n    boot-drill:\n      timout: 5s\n");
        assertTrue(unknown.contains("unknown key 'sources[0].boot-drill.timout'"), unknown);
        String container = error("sources:\n  - name: p\n    path: /data\n    boot-drill: {container: app}\n");
        assertTrue(container.contains("key 'sources[0].boot-drill.container': applies to volume sources only"), container);
        String probe = error("sources:\n  - name: w\n    volume: v\n    boot-drill: {probe: []}\n");
        assertTrue(probe.contains("key 'sources[0].boot-drill.probe': is empty"), probe);
        String zero = error("sources:\n  - name: w\n    volume: v\n    boot-drill: {max-age: 0d}\n");
        assertTrue(zero.contains("'sources[0].boot-drill.max-age': must be more than zero"), zero);
        String settle = error("sources:\n  - name: w\n    volume: v\n    boot-drill: {timeout: 10s, settle: 30s}\n");
        assertTrue(settle.contains("'sources[0].boot-drill.settle': 30s is longer than timeout 10s"), settle);
        String cron = error("sources: []\nschedule:\n  boot-drill: \"every sunday\"\n");
        assertTrue(cron.contains("line 6: key 'schedule.boot-drill'"), cron);
    }
}
