package org.cfs.backup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code web:} keys: defaults, the loopback rule, the password file. */
class WebConfigTest {
    @TempDir
    Path dir;

    private Config load(String web) throws IOException {
        Path pw = Files.writeString(dir.resolve("pw"), "secret\n");
        Files.writeString(dir.resolve("web-pw"), "console\n");
        Path f = Files.writeString(dir.resolve("config.yaml"), "repository:\n  url: /srv/repo\n  password-file: " + pw
                + "\nsources:\n  - name: a\n    path: /data\n" + web.replace("WEBPW", dir.resolve("web-pw").toString()));
        return new ConfigLoader().load(f);
    }

    @Test
    void absentMeansNoConsoleAndDefaultsAreLoopback() throws IOException {
        assertNull(load("").web());
        WebConfig w = load("web:\n  password-file: WEBPW\n").web();
        assertEquals("127.0.0.1:8321", w.listen());
        assertEquals("127.0.0.1", w.host());
        assertEquals(8321, w.port());
        assertTrue(w.loopback());
        assertFalse(w.remoteAllowed());
        assertFalse(w.behindTlsProxy());
        assertTrue(load("web:\n  listen: \"[::1]:9000\"\n  password-file: WEBPW\n  tls-proxy: true\n").web().behindTlsProxy());
    }

    @Test
    void aNonLoopbackAddressNeedsAllowRemote() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("web:\n  listen: 0.0.0.0:8321\n  password-file: WEBPW\n"));
        assertTrue(e.getMessage().contains("web.listen") && e.getMessage().contains("allow-remote"), e.getMessage());
        WebConfig w = load("web:\n  listen: 0.0.0.0:8321\n  password-file: WEBPW\n  allow-remote: true\n").web();
        assertFalse(w.loopback());
        assertTrue(w.remoteAllowed());
    }

    @Test
    void thePasswordFileIsRequiredAndReadable() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("web:\n  listen: 127.0.0.1:8321\n"));
        assertTrue(e.getMessage().contains("web.password-file"), e.getMessage());
        ConfigException m = assertThrows(ConfigException.class, () -> load("web:\n  password-file: /nonexistent/pw\n"));
        assertTrue(m.getMessage().contains("web.password-file"), m.getMessage());
        ConfigException p = assertThrows(ConfigException.class, () -> load("web:\n  listen: localhost:99999\n  password-file: WEBPW\n"));
        assertTrue(p.getMessage().contains("web.listen"), p.getMessage());
        ConfigException k = assertThrows(ConfigException.class, () -> load("web:\n  password-file: WEBPW\n  passwd: x\n"));
        assertTrue(k.getMessage().contains("web.passwd"), k.getMessage());
    }
}
