package org.cfs.backup.alert;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * POSTs for the HTTP channels with short timeouts. Credentials written as the URL's userinfo
 * ({@code https://user:pass@host/...} or {@code https://token@host/...}) become an Authorization
 * header (Basic, or Bearer for a lone token) and are removed from the URL, so they never reach a
 * request line, an exception text or a log.
 */
final class HttpDelivery {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** The target URL without userinfo, and the header and secrets that came from it. */
    record Target(URI uri, String authorization, List<String> secrets) {
        static Target parse(String url) {
            URI u = URI.create(url.trim());
            String userInfo = u.getRawUserInfo();
            if (userInfo == null || userInfo.isEmpty()) {
                return new Target(u, null, List.of());
            }
            String rebuilt = u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
                    + (u.getRawPath() == null ? "" : u.getRawPath())
                    + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
            String decoded = URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
            List<String> secrets = new ArrayList<>(List.of(userInfo, decoded));
            String auth;
            int colon = decoded.indexOf(':');
            if (colon >= 0) {
                secrets.add(decoded.substring(colon + 1));
                auth = "Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8));
            } else {
                auth = "Bearer " + decoded;
            }
            secrets.removeIf(String::isEmpty);
            return new Target(URI.create(rebuilt), auth, List.copyOf(secrets));
        }

        /** Scheme, host and port: enough to tell channels apart in a log line. */
        String origin() {
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        }

        /** The same origin with another path (and the original query), e.g. for healthchecks' {@code /fail}. */
        URI withSuffix(String suffix) {
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + path + suffix
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        }
    }

    private HttpClient client;

    /** The client (and its selector thread) is made on the first send: an idle daemon needs none. */
    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return client;
    }

    /**
     * POSTs {@code body}; a non-2xx answer is a {@link DeliveryException}, retryable for 5xx, 408 and
     * 429. Redirects are not followed (a redirected POST turns into a GET): a 3xx says the URL is wrong.
     */
    void post(Target target, URI uri, Map<String, String> headers, String body) throws DeliveryException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("User-Agent", "cfs-backup")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(b::header);
        if (target.authorization() != null) {
            b.header("Authorization", target.authorization());
        }
        HttpResponse<Void> r;
        try {
            r = client().send(b.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new DeliveryException(e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted", false, e);
        }
        int s = r.statusCode();
        if (s < 200 || s > 299) {
            throw new DeliveryException("HTTP " + s, s >= 500 || s == 408 || s == 429);
        }
    }
}
