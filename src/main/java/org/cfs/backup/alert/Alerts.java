package org.cfs.backup.alert;

import java.util.List;

/**
 * What the rest of cfs-backup tells a human. Conditions are keyed (e.g. {@code backup-failed:mariadb},
 * {@code quota-level}, {@code stale:open-webui}) so that one condition alerts once when it starts
 * and once when it clears, not on every check. Sending never fails the caller's job.
 */
public interface Alerts {
    /** Severity of an open condition. */
    enum Severity { WARNING, CRITICAL }

    /** An open condition, as {@code status} shows it. */
    record OpenAlert(String key, Severity severity, String title, String message, java.time.Instant since) {
    }

    /** Opens (or keeps open) a condition; sends only when it is new or its severity changed. */
    void raise(String key, Severity severity, String title, String message);

    /** Closes a condition; sends a "resolved" notice only when it was open. */
    void clear(String key, String message);

    /** healthchecks.io-style pings around a job: /start, then the plain URL or /fail. */
    void jobStarted(String job);

    void jobFinished(String job, boolean ok, String summary);

    List<OpenAlert> open();

    /** Sends nothing; for commands run without any alert channel. */
    Alerts NONE = new Alerts() {
        @Override
        public void raise(String key, Severity severity, String title, String message) {
        }

        @Override
        public void clear(String key, String message) {
        }

        @Override
        public void jobStarted(String job) {
        }

        @Override
        public void jobFinished(String job, boolean ok, String summary) {
        }

        @Override
        public List<OpenAlert> open() {
            return List.of();
        }
    };
}
