package org.cfs.backup.config;

/** One alert channel; exactly one of the four is set. */
public record AlertConfig(String webhook, String ntfy, String healthchecks, EmailConfig email) {

    /** SMTP delivery; {@code passwordFile} holds the SMTP password when auth is needed. */
    public record EmailConfig(String to, String smtp, String from, String username, String passwordFile) {
    }
}
