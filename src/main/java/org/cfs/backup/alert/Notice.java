package org.cfs.backup.alert;

import java.time.Instant;
import java.util.Locale;

/**
 * One message to a human: a condition that opened (or changed severity) or resolved. The webhook
 * channel posts exactly these fields as JSON; the other channels render them as text.
 *
 * @param severity {@code warning} or {@code critical} (for a resolved notice: the severity it had)
 * @param state    {@code open} or {@code resolved}
 */
public record Notice(String key, String severity, String title, String message, String host, String state,
                     Instant time) {

    public static Notice open(String key, Alerts.Severity severity, String title, String message, String host,
                              Instant time) {
        return new Notice(key, severity.name().toLowerCase(Locale.ROOT), title, message, host, "open", time);
    }

    public static Notice resolved(String key, Alerts.Severity severity, String title, String message, String host,
                                  Instant time) {
        return new Notice(key, severity.name().toLowerCase(Locale.ROOT), title, message, host, "resolved", time);
    }

    public boolean isResolved() {
        return "resolved".equals(state);
    }

    /** A one-line subject for e-mail and push: {@code [host] CRITICAL: title} or {@code [host] RESOLVED: title}. */
    public String subject() {
        String tag = isResolved() ? "RESOLVED" : severity.toUpperCase(Locale.ROOT);
        return "[" + host + "] " + tag + ": " + title;
    }

    /** The plain-text body shared by e-mail and ntfy. */
    public String text() {
        return (message == null || message.isBlank() ? title : message) + "\n\nkey: " + key + "\nhost: " + host
                + "\nstate: " + state + "\nseverity: " + severity + "\ntime: " + time + "\n";
    }
}
