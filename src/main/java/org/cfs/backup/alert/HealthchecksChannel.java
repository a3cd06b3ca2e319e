package org.cfs.backup.alert;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A healthchecks.io-style dead man's switch: {@code URL/start} when a job starts, the plain URL when
 * it succeeds, {@code URL/fail} when it fails; the body is the job's summary (healthchecks keeps
 * the first 100 kB, we send at most 10 kB). The ping URL is itself the credential, so only its
 * origin is ever logged.
 */
final class HealthchecksChannel extends HttpChannel {
    static final int MAX_BODY_BYTES = 10_000;

    HealthchecksChannel(String id, String url, HttpDelivery http) {
        super("healthchecks", id, url, http);
    }

    @Override
    public List<String> secrets() {
        List<String> s = new ArrayList<>(super.secrets());
        String path = target.uri().getRawPath();
        if (path != null && path.length() > 1) {
            s.add(path);
        }
        return s;
    }

    @Override
    public boolean takesNotices() {
        return false;
    }

    @Override
    public boolean takesPings() {
        return true;
    }

    @Override
    public void notify(Notice notice) {
    }

    @Override
    public void ping(String job, Ping ping, String body) throws DeliveryException {
        String suffix = switch (ping) {
            case START -> "/start";
            case SUCCESS -> "";
            case FAIL -> "/fail";
        };
        http.post(target, target.withSuffix(suffix), Map.of("Content-Type", "text/plain; charset=utf-8"),
                truncate(body == null ? "" : body));
    }

    static String truncate(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= MAX_BODY_BYTES) {
            return s;
        }
        String cut = new String(b, 0, MAX_BODY_BYTES - 20, StandardCharsets.UTF_8);
        // a multi-byte character cut in half decodes as U+FFFD; drop it
        if (cut.endsWith("\uFFFD")) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "\n[truncated]";
    }
}
