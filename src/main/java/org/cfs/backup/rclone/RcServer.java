package org.cfs.backup.rclone;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.process.ProcessResult;

/**
 * A short-lived {@code rclone rcd} on a random loopback port, reached over HTTP with a one-time
 * password. It exists because {@code rclone config create} takes option values only as
 * command-line arguments: through the remote-control API the client secret and the token travel
 * in a request body instead, and never show up in {@code ps} or {@code /proc/PID/cmdline}.
 */
final class RcServer implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("Serving remote control on (http://127\\.0\\.0\\.1:\\d+)/?");
    private static final String USER = "cfs-backup";

    private final String pass;
    private final CompletableFuture<String> address = new CompletableFuture<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rclone-rcd");
        t.setDaemon(true);
        return t;
    });
    private final Future<ProcessResult> finished;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    private RcServer(Rclone rclone) {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        this.pass = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        var spec = rclone.spec(rclone.rcdArgs())
                .env("RCLONE_RC_USER", USER)
                .env("RCLONE_RC_PASS", pass)
                .stderrLines(line -> {
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                        address.complete(m.group(1));
                    }
                })
                .timeout(Duration.ofMinutes(5))
                .build();
        this.finished = thread.submit(() -> {
            try {
                ProcessResult r = rclone.runner().run(spec);
                address.completeExceptionally(new IllegalStateException("rclone rcd ended before serving (exit "
                        + r.exitCode() + "): " + DriveError.reason(r.stderrTail())));
                return r;
            } catch (RuntimeException e) {
                address.completeExceptionally(e);
                throw e;
            }
        });
        thread.shutdown();
        try {
            this.base = address.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new CfsException(ExitCode.FAILED, "cannot start rclone's remote control: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            finished.cancel(true);
            throw new CfsException(ExitCode.FAILED, "rclone rcd did not start serving within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished.cancel(true);
            throw new org.cfs.backup.process.CancelledException();
        }
    }

    static RcServer start(Rclone rclone) {
        return new RcServer(rclone);
    }

    /**
     * POSTs one rc call. On failure only rclone's {@code error} field is reported: the error answer
     * also echoes the request's input, which holds the secrets.
     */
    JsonNode call(String path, Map<String, Object> body) {
        try {
            String json = Rclone.JSON.writeValueAsString(body);
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/" + path))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Basic " + Base64.getEncoder()
                            .encodeToString((USER + ":" + pass).getBytes(StandardCharsets.UTF_8)))
                    .timeout(Duration.ofMinutes(2))
                    .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                    .build();
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode n = resp.body().isBlank() ? Rclone.JSON.createObjectNode() : Rclone.JSON.readTree(resp.body());
            if (resp.statusCode() != 200) {
                String err = n.path("error").asText("HTTP " + resp.statusCode());
                throw new CfsException(ExitCode.FAILED, "rclone " + path + " failed: " + DriveError.reason(err));
            }
            return n;
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "rclone " + path + " failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.cfs.backup.process.CancelledException();
        }
    }

    /** Asks rclone to quit (it saves nothing more), and waits for it; stops it by SIGINT if it hangs. */
    @Override
    public void close() {
        try {
            call("core/quit", Map.of());
        } catch (CfsException e) {
            // the server may already be gone; waiting below settles it
        }
        try {
            finished.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            finished.cancel(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished.cancel(true);
        }
    }
}
