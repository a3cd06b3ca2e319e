package org.cfs.backup.schedule;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Serves the metrics file on a loopback address ({@code metrics-listen: 127.0.0.1:9187}) at
 * {@code /metrics}, for a Prometheus that scrapes instead of node_exporter's textfile collector.
 * The JDK's own HTTP server: one dispatcher thread, nothing to add to the memory budget when unused.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /** @param listen {@code host:port}, host a loopback address (checked by the config loader) */
    public static MetricsServer start(String listen, Path metricsFile) throws IOException {
        int colon = listen.lastIndexOf(':');
        String host = listen.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(listen.substring(colon + 1));
        HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 0);
        s.createContext("/metrics", ex -> serve(ex, metricsFile));
        s.start();
        return new MetricsServer(s);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void serve(HttpExchange ex, Path file) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body;
            int status = 200;
            try {
                body = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                status = 503;
                body = "# no metrics written yet\n".getBytes(StandardCharsets.UTF_8);
            }
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            boolean head = "HEAD".equals(ex.getRequestMethod());
            ex.sendResponseHeaders(status, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
