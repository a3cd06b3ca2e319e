package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.cfs.backup.alert.Alerts;
import org.cfs.backup.config.ConfigException;
import org.cfs.backup.process.Cancellation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Services#alerts()} builds the channels of {@code alerts:} on the configured state dir and host. */
class ServicesAlertsTest {
    @TempDir
    Path dir;

    private Path config(String alertsYaml) throws Exception {
        Files.writeString(dir.resolve("restic-password"), "pw\n");
        Files.createDirectories(dir.resolve("data"));
        Path cfg = dir.resolve("config.yaml");
        Files.writeString(cfg, String.join("\n",
                "host: wiring-host",
                "repository:",
                "  url: " + dir.resolve("repo"),
                "  password-file: " + dir.resolve("restic-password"),
                "state-dir: " + dir.resolve("state"),
                "log-dir: " + dir.resolve("log"),
                "cache-dir: " + dir.resolve("cache"),
                "sources:",
                "  - name: data",
                "    path: " + dir.resolve("data"),
                alertsYaml, ""));
        return cfg;
    }

    private Services services(Path cfg) {
        return new Services(cfg, Map.of(), new Cancellation(), new PrintWriter(new StringWriter()));
    }

    @Test
    void alertsReachTheConfiguredWebhookAndAreTrackedInTheStateDir() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        try {
            Services s = services(config("alerts:\n  - webhook: http://127.0.0.1:"
                    + server.getAddress().getPort() + "/hook"));
            Alerts alerts = s.alerts();
            assertSame(alerts, s.alerts());
            alerts.raise("stale:data", Alerts.Severity.WARNING, "Stale source", "data: 27 h old");
            assertEquals(1, bodies.size());
            assertTrue(bodies.get(0).contains("\"host\":\"wiring-host\""), bodies.get(0));
            assertTrue(Files.exists(dir.resolve("state/alerts.json")));
            assertEquals("stale:data", services(dir.resolve("config.yaml")).alerts().open().get(0).key());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anEmailUsernameWithoutPasswordFileIsAConfigError() throws Exception {
        Path cfg = config("alerts:\n  - email: {to: ops@example.org, smtp: \"smtp://127.0.0.1:25\", username: cfs}");
        ConfigException e = assertThrows(ConfigException.class, () -> services(cfg).alerts());
        assertTrue(e.getMessage().contains("alerts[0].email"), e.getMessage());
        assertTrue(e.getMessage().contains("password-file"), e.getMessage());
    }

    @Test
    void withoutChannelsOpenAlertsAreStillTracked() throws Exception {
        Services s = services(config(""));
        s.alerts().raise("quota-level", Alerts.Severity.CRITICAL, "Quota", "4 GiB free");
        assertEquals(1, services(dir.resolve("config.yaml")).alerts().open().size());
        s.alerts().clear("quota-level", "ok");
        assertTrue(s.alerts().open().isEmpty());
    }
}
