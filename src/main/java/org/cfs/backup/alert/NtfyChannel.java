package org.cfs.backup.alert;

import java.util.Map;

/**
 * Publishes to an ntfy topic URL: the body is the text, with {@code Title}, {@code Priority}
 * ({@code urgent} for critical, {@code high} for warning, {@code default} for resolved) and
 * {@code Tags} (an emoji tag, then {@code cfs-backup} and the host) headers.
 */
final class NtfyChannel extends HttpChannel {
    NtfyChannel(String id, String url, HttpDelivery http) {
        super("ntfy", id, url, http);
    }

    static String priority(Notice n) {
        if (n.isResolved()) {
            return "default";
        }
        return "critical".equals(n.severity()) ? "urgent" : "high";
    }

    static String tags(Notice n) {
        String emoji = n.isResolved() ? "white_check_mark" : "critical".equals(n.severity()) ? "rotating_light" : "warning";
        return emoji + ",cfs-backup," + headerSafe(n.host());
    }

    /** HTTP headers carry ASCII without line breaks; ntfy also accepts RFC 2047 but plain is kinder to proxies. */
    static String headerSafe(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : (s == null ? "" : s).toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? c : c == '\n' || c == '\r' || c == '\t' ? ' ' : '?');
        }
        return b.toString().strip();
    }

    @Override
    public void notify(Notice notice) throws DeliveryException {
        http.post(target, target.uri(), Map.of(
                "Title", headerSafe(notice.subject()),
                "Priority", priority(notice),
                "Tags", tags(notice),
                "Content-Type", "text/plain; charset=utf-8"), notice.text());
    }

    @Override
    public void ping(String job, Ping ping, String body) {
    }
}
