package org.cfs.backup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stop-timeout} of a source (issue 14): Docker's 10 s by default, a duration, volume sources only. */
class StopTimeoutConfigTest {
    @TempDir
    Path dir;

    private Config load(String sources) throws IOException {
        Path pw = Files.writeString(dir.resolve("pw"), "secret\n");
        Path f = Files.writeString(dir.resolve("config.yaml"),
                "repository:\n  url: /srv/repo\n  password-file: " + pw + "\nsources:\n" + sources);
        return new ConfigLoader().load(f);
    }

    private String error(String sources) {
        return assertThrows(ConfigException.class, () -> load(sources)).getMessage();
    }

    @Test
    void defaultIsDockersTenSecondsAndADurationIsRead() throws IOException {
        Config c = load("  - {name: a, volume: va, consistency: stop}\n"
                + "  - {name: b, volume: vb, consistency: stop, stop-timeout: 45s}\n"
                + "  - {name: c, volume: vc, consistency: stop, stop-timeout: 2m}\n");
        assertNull(c.sources().get(0).stopTimeout());
        assertEquals(10, c.sources().get(0).stopTimeoutSeconds());
        assertEquals(45, c.sources().get(1).stopTimeoutSeconds());
        assertEquals(120, c.sources().get(2).stopTimeoutSeconds());
    }

    @Test
    void errorsNameTheKeyAndLine() {
        String bad = error("  - name: a\n    volume: va\n    stop-timeout: soon\n");
        assertTrue(bad.contains("sources[0].stop-timeout") && bad.contains("line 7"), bad);
        assertTrue(bad.contains("not a duration"), bad);
        String path = error("  - name: a\n    path: /srv/a\n    stop-timeout: 5s\n");
        assertTrue(path.contains("sources[0].stop-timeout") && path.contains("volume sources only"), path);
        String long_ = error("  - name: a\n    volume: va\n    stop-timeout: 2h\n");
        assertTrue(long_.contains("more than an hour"), long_);
        String typo = error("  - name: a\n    volume: va\n    stop-timeuot: 5s\n");
        assertTrue(typo.contains("did you mean 'stop-timeout'"), typo);
    }
}
