package org.cfs.backup.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.config.AlertConfig;
import org.cfs.backup.process.Cancellation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhook, ntfy and healthchecks against a real HTTP server on 127.0.0.1, with de-duplication and retries. */
class ChannelAlertsTest {
    private static final Instant NOW = Instant.parse("2026-11-22T03:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path state;
    private RecordingHttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = new RecordingHttpServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ChannelAlerts alerts(AlertConfig... channels) {
        return ChannelAlerts.fromConfig(List.of(channels), state, "vps-1", Clock.fixed(NOW, ZoneOffset.UTC),
                Backoff.none(), null);
    }

    private static AlertConfig webhook(String url) {
        return new AlertConfig(url, null, null, null);
    }

    private static AlertConfig ntfy(String url) {
        return new AlertConfig(null, url, null, null);
    }

    private static AlertConfig healthchecks(String url) {
        return new AlertConfig(null, null, url, null);
    }

    @Test
    void webhookPostsTheNoticeAsJson() throws Exception {
        ChannelAlerts a = alerts(webhook(server.url("/hook")));
        a.raise("backup-failed:mariadb", Alerts.Severity.CRITICAL, "Backup failed", "mariadb: dump exited 2");

        List<RecordingHttpServer.Request> got = server.requests("/hook");
        assertEquals(1, got.size());
        RecordingHttpServer.Request r = got.get(0);
        assertEquals("POST", r.method());
        assertEquals("application/json", r.header("Content-Type"));
        JsonNode j = JSON.readTree(r.body());
        assertEquals("backup-failed:mariadb", j.get("key").asText());
        assertEquals("critical", j.get("severity").asText());
        assertEquals("Backup failed", j.get("title").asText());
        assertEquals("mariadb: dump exited 2", j.get("message").asText());
        assertEquals("vps-1", j.get("host").asText());
        assertEquals("open", j.get("state").asText());
        assertEquals("2026-11-22T03:00:00Z", j.get("time").asText());

        a.clear("backup-failed:mariadb", "mariadb backed up again");
        JsonNode resolved = JSON.readTree(server.requests("/hook").get(1).body());
        assertEquals("resolved", resolved.get("state").asText());
        assertEquals("critical", resolved.get("severity").asText());
        assertEquals("mariadb backed up again", resolved.get("message").asText());
    }

    @Test
    void ntfyGetsTitlePriorityAndTagsHeaders() {
        ChannelAlerts a = alerts(ntfy(server.url("/cfs-backup")));
        a.raise("quota-level", Alerts.Severity.WARNING, "Drive quota warning", "free 12 GiB < 20 GiB");
        a.raise("stale:ollama", Alerts.Severity.CRITICAL, "Stale source", "ollama: newest snapshot 30 h old");
        a.clear("quota-level", "free 40 GiB");

        List<RecordingHttpServer.Request> got = server.requests("/cfs-backup");
        assertEquals(3, got.size());
        RecordingHttpServer.Request warn = got.get(0);
        assertEquals("[vps-1] WARNING: Drive quota warning", warn.header("Title"));
        assertEquals("high", warn.header("Priority"));
        assertEquals("warning,cfs-backup,vps-1", warn.header("Tags"));
        assertTrue(warn.body().startsWith("free 12 GiB < 20 GiB"), warn.body());
        assertTrue(warn.body().contains("key: quota-level"), warn.body());

        RecordingHttpServer.Request crit = got.get(1);
        assertEquals("urgent", crit.header("Priority"));
        assertEquals("[vps-1] CRITICAL: Stale source", crit.header("Title"));
        assertTrue(crit.header("Tags").startsWith("rotating_light"), crit.header("Tags"));

        RecordingHttpServer.Request resolved = got.get(2);
        assertEquals("default", resolved.header("Priority"));
        assertEquals("[vps-1] RESOLVED: Drive quota warning", resolved.header("Title"));
        assertTrue(resolved.header("Tags").startsWith("white_check_mark"), resolved.header("Tags"));
        assertTrue(resolved.body().startsWith("free 40 GiB"), resolved.body());
    }

    @Test
    void healthchecksGetsStartSuccessAndFailPingsAndNoNotices() {
        String uuid = "5f3b1c2e-0000-4000-8000-123456789abc";
        ChannelAlerts a = alerts(healthchecks(server.url("/ping/" + uuid)), webhook(server.url("/hook")));
        a.jobStarted("backup");
        a.jobFinished("backup", true, "3 sources ok, 120 MiB added");
        a.jobStarted("prune");
        a.jobFinished("prune", false, "prune guard: mariadb shrank");
        a.raise("prune-guard", Alerts.Severity.WARNING, "Prune guard", "mariadb shrank");

        List<RecordingHttpServer.Request> got = server.requests();
        List<String> paths = got.stream().map(RecordingHttpServer.Request::path).toList();
        assertEquals(List.of("/ping/" + uuid + "/start", "/ping/" + uuid, "/ping/" + uuid + "/start",
                "/ping/" + uuid + "/fail", "/hook"), paths);
        assertEquals("3 sources ok, 120 MiB added", got.get(1).body());
        assertEquals("prune guard: mariadb shrank", got.get(3).body());
        assertEquals("POST", got.get(0).method());
    }

    @Test
    void healthchecksKeepsTheQueryAndIgnoresATrailingSlash() {
        ChannelAlerts a = alerts(healthchecks(server.url("/ping/abc/?create=1")));
        a.jobStarted("quota");
        a.jobFinished("quota", true, "ok");
        List<RecordingHttpServer.Request> got = server.requests();
        assertEquals("/ping/abc/start", got.get(0).path());
        assertEquals("create=1", got.get(0).query());
        assertEquals("/ping/abc", got.get(1).path());
        assertEquals("create=1", got.get(1).query());
    }

    @Test
    void aRedirectIsAFailureNotAGet() {
        server.answer(302);
        try (LogCapture log = new LogCapture()) {
            alerts(webhook(server.url("/hook"))).raise("k", Alerts.Severity.WARNING, "t", "m");
            assertEquals(1, server.requests().size());
            assertTrue(log.all().contains("HTTP 302"), log.all());
        }
    }

    @Test
    void deDuplicatesBySeverityAndClearsOnce() {
        ChannelAlerts a = alerts(webhook(server.url("/hook")));
        a.raise("quota-level", Alerts.Severity.WARNING, "Quota", "12 GiB free");
        a.raise("quota-level", Alerts.Severity.WARNING, "Quota", "11 GiB free");
        assertEquals(1, server.requests().size(), "same condition, same severity: sent once");
        assertEquals("11 GiB free", a.open().get(0).message(), "the stored message follows the latest raise");

        a.raise("quota-level", Alerts.Severity.CRITICAL, "Quota", "4 GiB free");
        assertEquals(2, server.requests().size(), "severity changed: sent again");
        assertEquals(1, a.open().size());
        assertEquals(Alerts.Severity.CRITICAL, a.open().get(0).severity());
        assertEquals(NOW, a.open().get(0).since());

        a.clear("quota-level", "40 GiB free");
        a.clear("quota-level", "41 GiB free");
        a.clear("never-opened", "nothing");
        List<RecordingHttpServer.Request> got = server.requests();
        assertEquals(3, got.size(), "one resolved notice, nothing for the second clear or an unknown key");
        assertTrue(got.get(2).body().contains("\"state\":\"resolved\""), got.get(2).body());
        assertTrue(a.open().isEmpty());
    }

    @Test
    void openAlertsPersistAcrossInstancesOnTheSameStateDir() throws Exception {
        ChannelAlerts first = alerts(webhook(server.url("/hook")));
        first.raise("stale:open-webui", Alerts.Severity.WARNING, "Stale", "open-webui 27 h old");
        first.raise("audit:docker-socket", Alerts.Severity.CRITICAL, "Audit", "socket mounted");

        ChannelAlerts second = alerts(webhook(server.url("/hook")));
        assertEquals(List.of("stale:open-webui", "audit:docker-socket"),
                second.open().stream().map(Alerts.OpenAlert::key).toList());
        second.raise("stale:open-webui", Alerts.Severity.WARNING, "Stale", "open-webui 28 h old");
        assertEquals(2, server.requests().size(), "the second instance knows it is already open");

        second.clear("stale:open-webui", "fresh again");
        assertEquals(3, server.requests().size());
        first.clear("stale:open-webui", "fresh again");
        assertEquals(3, server.requests().size(), "the first instance sees it closed");
        assertEquals(List.of("audit:docker-socket"), first.open().stream().map(Alerts.OpenAlert::key).toList());

        JsonNode file = JSON.readTree(Files.readString(state.resolve("alerts.json")));
        assertEquals(1, file.get("alerts").size());
        assertEquals("audit:docker-socket", file.get("alerts").get(0).get("key").asText());
        assertEquals("CRITICAL", file.get("alerts").get(0).get("severity").asText());
    }

    @Test
    void zeroChannelsStillTrackOpenAlerts() {
        ChannelAlerts a = alerts();
        a.raise("stale:ollama", Alerts.Severity.WARNING, "Stale", "ollama 30 h old");
        a.jobStarted("backup");
        a.jobFinished("backup", false, "failed");
        assertEquals(1, a.open().size());
        a.clear("stale:ollama", "ok");
        assertTrue(a.open().isEmpty());
        assertTrue(server.requests().isEmpty());
    }

    @Test
    void aFailingChannelIsRetriedUntilItAnswers() {
        server.answer(500, 503);
        try (LogCapture log = new LogCapture()) {
            ChannelAlerts a = alerts(webhook(server.url("/hook")));
            a.raise("check-damage", Alerts.Severity.CRITICAL, "Check", "pack damaged");
            assertEquals(3, server.requests().size(), "500, 503, then 200");
            assertTrue(log.all().contains("HTTP 500"), log.all());
            assertTrue(log.all().contains("delivered on try 3"), log.all());
        }
        ChannelAlerts again = alerts(webhook(server.url("/hook")));
        again.raise("check-damage", Alerts.Severity.CRITICAL, "Check", "pack damaged");
        assertEquals(3, server.requests().size(), "delivered, so not sent again");
    }

    @Test
    void aChannelThatNeverAnswersGivesUpWithoutThrowingAndIsRetriedAtTheNextRaise() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        AlertConfig dead = webhook("http://127.0.0.1:" + closedPort + "/hook");
        AlertConfig alive = webhook(server.url("/hook"));
        try (LogCapture log = new LogCapture()) {
            ChannelAlerts a = alerts(dead, alive);
            a.raise("backup-failed:ollama", Alerts.Severity.CRITICAL, "Backup failed", "ollama: repo locked");
            assertEquals(1, server.requests().size(), "the live channel still got it");
            assertTrue(log.all().contains("not delivered after 4 tries"), log.all());
            assertEquals(1, a.open().size());
        }
        JsonNode file = JSON.readTree(Files.readString(state.resolve("alerts.json")));
        assertEquals("webhook#0", file.get("alerts").get(0).get("undelivered").get(0).asText());

        // the next raise of the same condition tries only the channel that missed it
        ChannelAlerts b = alerts(webhook(server.url("/hook")), alive);
        b.raise("backup-failed:ollama", Alerts.Severity.CRITICAL, "Backup failed", "ollama: repo locked");
        assertEquals(2, server.requests().size());
        b.raise("backup-failed:ollama", Alerts.Severity.CRITICAL, "Backup failed", "ollama: repo locked");
        assertEquals(2, server.requests().size());
    }

    @Test
    void clientErrorsAreNotRetried() {
        server.answer(404);
        try (LogCapture log = new LogCapture()) {
            alerts(webhook(server.url("/hook"))).raise("k", Alerts.Severity.WARNING, "t", "m");
            assertEquals(1, server.requests().size());
            assertTrue(log.all().contains("not delivered after 1 try: HTTP 404"), log.all());
        }
    }

    @Test
    void retriesWaitTheBackoffDelays() {
        server.answer(500);
        ChannelAlerts a = ChannelAlerts.fromConfig(List.of(webhook(server.url("/hook"))), state, "vps-1",
                Clock.systemUTC(), new Backoff(List.of(Duration.ofMillis(300)), null), null);
        long t0 = System.nanoTime();
        a.raise("k", Alerts.Severity.WARNING, "t", "m");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(2, server.requests().size());
        assertTrue(ms >= 300, "waited " + ms + " ms");
    }

    @Test
    void cancellationEndsTheRetries() {
        server.answer(500, 500, 500, 500);
        Cancellation c = new Cancellation();
        c.cancel();
        ChannelAlerts a = ChannelAlerts.fromConfig(List.of(webhook(server.url("/hook"))), state, "vps-1",
                Clock.systemUTC(), new Backoff(Backoff.DEFAULT_DELAYS, c), null);
        long t0 = System.nanoTime();
        a.raise("k", Alerts.Severity.WARNING, "t", "m");
        assertEquals(1, server.requests().size(), "one try, no retry after SIGTERM");
        assertTrue(System.nanoTime() - t0 < 900_000_000L, "did not wait the 1 s backoff");
    }

    @Test
    void userinfoBecomesAnAuthorizationHeaderAndNeverReachesTheLog() {
        server.answer(500, 500, 500, 500);
        String secret = "s3cr3t-T0ken";
        String url = "http://alice:" + secret + "@127.0.0.1:" + server.port() + "/hook";
        try (LogCapture log = new LogCapture()) {
            alerts(webhook(url), ntfy("http://tk_" + secret + "@127.0.0.1:" + server.port() + "/topic"))
                    .raise("k", Alerts.Severity.WARNING, "t", "m");
            assertFalse(log.lines().isEmpty());
            assertFalse(log.all().contains(secret), log.all());
            assertFalse(log.all().contains("alice"), log.all());
        }
        RecordingHttpServer.Request hook = server.requests("/hook").get(0);
        assertEquals("Basic " + Base64.getEncoder().encodeToString(("alice:" + secret)
                .getBytes(StandardCharsets.UTF_8)), hook.header("Authorization"));
        assertEquals("Bearer tk_" + secret, server.requests("/topic").get(0).header("Authorization"));
    }

    @Test
    void healthchecksPingKeyIsNotLogged() {
        server.answer(500, 500, 500, 500);
        String key = "/ping/9a8b7c6d-aaaa-bbbb-cccc-0123456789ab";
        try (LogCapture log = new LogCapture()) {
            alerts(healthchecks(server.url(key))).jobFinished("check", false, "damage");
            assertEquals(4, server.requests().size());
            assertFalse(log.all().contains("9a8b7c6d"), log.all());
            assertTrue(log.all().contains("healthchecks http://127.0.0.1:" + server.port()), log.all());
        }
    }

    @Test
    void aDamagedStateFileIsMovedAsideAndAlertingGoesOn() throws Exception {
        Files.writeString(state.resolve("alerts.json"), "{not json");
        ChannelAlerts a = alerts(webhook(server.url("/hook")));
        try (LogCapture log = new LogCapture()) {
            a.raise("k", Alerts.Severity.WARNING, "t", "m");
            assertTrue(log.all().contains("unreadable"), log.all());
        }
        assertEquals(1, server.requests().size());
        assertEquals(1, a.open().size());
        assertEquals("{not json", Files.readString(state.resolve("alerts.json.corrupt")));
    }

    @Test
    void anUnusableStateDirStillSendsAndNeverThrows() throws Exception {
        Path notADir = state.resolve("file");
        Files.writeString(notADir, "x");
        ChannelAlerts a = ChannelAlerts.fromConfig(List.of(webhook(server.url("/hook"))), notADir, "vps-1",
                Clock.systemUTC(), Backoff.none(), null);
        try (LogCapture log = new LogCapture()) {
            a.raise("k", Alerts.Severity.WARNING, "t", "m");
            a.raise("k", Alerts.Severity.WARNING, "t", "m");
            a.clear("k", "ok");
            assertTrue(a.open().isEmpty());
            assertTrue(log.all().contains("sending without de-duplication"), log.all());
        }
        assertEquals(2, server.requests().size(), "no de-duplication without state, but no alert lost");
    }
}
