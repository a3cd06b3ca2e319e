package org.cfs.backup.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.cli.Main;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.schedule.DaemonFixture;
import org.junit.jupiter.api.Test;

/**
 * The daemon serves the console when {@code web:} is set: a console backup runs beside scheduled
 * backups (each waits for the other's operation lock) and the console stops with the daemon.
 */
class DaemonWebIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDaemonServesTheConsoleAndStopsItOnSigterm() throws Exception {
        try (DaemonFixture f = new DaemonFixture()) {
            Path data = Files.createDirectories(f.dir.resolve("data"));
            Files.writeString(data.resolve("a.txt"), "first file\n");
            Files.writeString(f.dir.resolve("web-pw"), "daemon-web-password\n");
            int port;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Path cfg = f.config("  - {name: files, path: " + data + "}\n",
                    "web: {listen: \"127.0.0.1:" + port + "\", password-file: " + f.dir.resolve("web-pw") + "}\n"
                    + "schedule: {backup: \"*/4 * * * * ?\", prune: " + DaemonFixture.never() + ", check: "
                    + DaemonFixture.never() + ", drill: " + DaemonFixture.never() + ", quota: " + DaemonFixture.never()
                    + ", audit: " + DaemonFixture.never() + "}\n");
            Cancellation cancel = new Cancellation();
            StringWriter err = new StringWriter();
            AtomicInteger exit = new AtomicInteger(-1);
            Thread daemon = new Thread(() -> exit.set(Main.run(new PrintWriter(new StringWriter()),
                    new PrintWriter(err, true), System.getenv(), cancel, "-c", cfg.toString(), "daemon")), "daemon-web");
            daemon.start();
            String base = "http://127.0.0.1:" + port;
            HttpClient http = WebFixture.client();
            try {
                DaemonFixture.await(Duration.ofSeconds(60), "the console", () -> open(port));
                HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("password=daemon-web-password")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(303, login.statusCode(), login.body());
                String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
                String csrf = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/session"))
                        .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString()).body()).get("csrf").asText();
                JsonNode status = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/status"))
                        .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString()).body());
                assertTrue(status.path("daemon").path("running").asBoolean(), status.toString());
                // console backups one after another while the schedule backs up every 4 s (until the
                // schedule has run too, for at most a minute): none fails as busy, each waits for the
                // other's lock. A second between them: back to back, 0.7 s backups left the schedule's
                // retries (every 5 s) no free moment in 12 rounds
                Path auditLog = f.dir.resolve("log/cfs-backup.log");
                long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                for (int i = 0; i < 3 || (!Files.readString(auditLog).contains("op=daemon-backup outcome=ok")
                        && System.nanoTime() < until); i++) {
                    if (i > 0) {
                        Thread.sleep(1000);
                    }
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/jobs"))
                            .header("Cookie", cookie).header("X-CSRF-Token", csrf).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"job\":\"backup\",\"sources\":[\"files\"]}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(202, r.statusCode(), r.body());
                    String id = JSON.readTree(r.body()).get("id").asText();
                    JsonNode[] job = new JsonNode[1];
                    DaemonFixture.await(Duration.ofMinutes(2), "the console's backup", () -> {
                        try {
                            job[0] = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/jobs/" + id))
                                    .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString()).body());
                            String s = job[0].get("state").asText();
                            return !s.equals("queued") && !s.equals("running");
                        } catch (Exception e) {
                            return false;
                        }
                    });
                    assertEquals("ok", job[0].get("state").asText(), job[0].toString());
                }
                String audit = Files.readString(f.dir.resolve("log/cfs-backup.log"));
                assertTrue(audit.contains("op=daemon-backup outcome=ok"), "the schedule ran too: " + audit);
                assertTrue(audit.contains("op=web-backup outcome=ok"), audit);
            } finally {
                cancel.cancel();
                daemon.join(60_000);
            }
            assertFalse(daemon.isAlive(), "daemon did not stop");
            assertFalse(open(port), "the console stopped with the daemon");
            assertTrue(Files.readString(f.dir.resolve("log/cfs-backup.log")).contains("op=web outcome=stopped"));
        }
    }

    private static boolean open(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
