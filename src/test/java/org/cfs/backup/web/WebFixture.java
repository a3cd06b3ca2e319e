package org.cfs.backup.web;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;

import org.cfs.backup.cli.Main;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.restore.RestoreFixture;

/**
 * A real console for the web ITs: a source folder (a file of random bytes, a folder of many
 * entries), a repository on an rclone local remote with one backup, and {@code cfs-backup web}
 * running in this JVM on a free loopback port until {@link #close()}.
 */
final class WebFixture implements AutoCloseable {
    static final String WEB_PASSWORD = "web-it-" + java.util.UUID.randomUUID();
    final Path src;
    final RestoreFixture fx;
    final int port;
    final String base;
    final byte[] blob;
    private final Cancellation cancellation = new Cancellation();
    private final Thread server;
    final StringWriter serverErr = new StringWriter();

    WebFixture(Path tmp, int manyEntries) throws Exception {
        src = tmp.resolve("data");
        Files.createDirectories(src.resolve("docs/deep"));
        Files.createDirectories(src.resolve("many"));
        blob = new byte[2 * 1024 * 1024 + 123];
        new Random(7).nextBytes(blob);
        Files.write(src.resolve("docs/blob.bin"), blob);
        Files.writeString(src.resolve("docs/readme.txt"), "hello from the web IT\n");
        Files.writeString(src.resolve("docs/deep/x.sql"), "select 1;\n");
        for (int i = 0; i < manyEntries; i++) {
            Files.write(src.resolve("many/e" + String.format("%06d", i)), new byte[0]);
        }
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        Files.writeString(other.resolve("app.conf"), "x=1\n");
        fx = new RestoreFixture(tmp.resolve("fx"), """
                - name: data
                  path: %s
                - name: settings
                  path: %s
                """.formatted(src, other));
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.writeString(fx.dir.resolve("web-password"), WEB_PASSWORD + "\n");
        Files.writeString(fx.config, "web:\n  listen: 127.0.0.1:" + port + "\n  password-file: "
                + fx.dir.resolve("web-password") + "\n", StandardOpenOption.APPEND);
        base = "http://127.0.0.1:" + port;
        fx.initAndBackup("data");
        fx.backup("settings");
        server = new Thread(() -> Main.run(new PrintWriter(new StringWriter()), new PrintWriter(serverErr, true),
                System.getenv(), cancellation, "-c", fx.config.toString(), "web"), "web-it-server");
        server.setDaemon(true);
        server.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !server.isAlive()) {
                    throw new AssertionError("the console did not start: " + serverErr);
                }
                Thread.sleep(100);
            }
        }
    }

    /** The repository password of the fixture (a secret no answer may hold). */
    String repositoryPassword() throws IOException {
        return Files.readString(fx.dir.resolve("password")).strip();
    }

    static HttpClient client() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    HttpResponse<String> get(HttpClient c, String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> login(HttpClient c, String password) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("password=" + java.net.URLEncoder.encode(password,
                        java.nio.charset.StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        cancellation.cancel();
        server.join(30_000);
    }
}
