package org.cfs.backup.rclone;

import java.util.List;
import java.util.Locale;

/**
 * What went wrong when rclone talked to a remote, read from rclone's own error lines (Google
 * Drive's 403 reasons, OAuth failures, backends without {@code about}), with the advice an
 * operator needs instead of rclone's retry noise.
 */
public enum DriveError {
    /** The 750 GB/day upload cap, seen with {@code --drive-stop-on-upload-limit}. */
    UPLOAD_LIMIT("Drive's upload limit of 750 GB per day per user is reached; the rest uploads after the"
            + " limit resets (within 24 h). Spread the first upload over several nights or exclude bulky sources for now."),
    /** userRateLimitExceeded / rateLimitExceeded: the API quota of the OAuth client in use. */
    RATE_LIMIT("Drive's API rate limit was hit. With rclone's shared OAuth client this is that client's quota"
            + " shared with every rclone user: set up your own client ID ('cfs-backup remote setup --client-id ...')."),
    /** invalid_grant: the refresh token was revoked or expired. */
    INVALID_GRANT("The OAuth token was revoked or has expired (invalid_grant). An OAuth app left in 'Testing'"
            + " loses its grants after about 7 days: publish the OAuth app, then re-authorize with"
            + " 'rclone authorize \"drive\" ...' and 'cfs-backup remote setup --token-file FILE'."),
    /** invalid_client / unauthorized_client: the client ID or secret does not match the token. */
    INVALID_CLIENT("Google refused the OAuth client (invalid_client/unauthorized_client): the client ID or secret is"
            + " wrong or deleted, or the token was issued to another client. Rerun 'cfs-backup remote setup' with the"
            + " matching client and a fresh token."),
    /** storageQuotaExceeded: no space left on the Drive. */
    STORAGE_QUOTA("The Drive is full (storageQuotaExceeded). Free space: prune old snapshots, empty the Drive trash"
            + " ('rclone cleanup REMOTE:'; set use_trash = false so prune frees quota), or buy more storage."),
    /** Any other 403 from Drive (insufficient scope, API not enabled, ...). */
    FORBIDDEN("Drive answered 403 Forbidden: check that the Drive API is enabled for the OAuth client's project"
            + " and that the token's scope covers the folder (scope drive.file sees only files cfs-backup wrote)."),
    /** The backend has no {@code about} (shared drives answer {} instead). */
    ABOUT_NOT_SUPPORTED("This remote's backend cannot report its free space (no 'about'): quota cannot be watched here."),
    /** The remote is not in the rclone config. */
    NO_REMOTE("The remote is not in the rclone config: check rclone.remote and rclone.config, or run 'cfs-backup remote setup'."),
    /** The config is encrypted and no (or a wrong) password was given. */
    CONFIG_PASSWORD("The rclone config is encrypted and could not be opened: set rclone.config-password-file to its password."),
    /** DNS, connection refused, time-outs. */
    NETWORK("The remote could not be reached (network): check the host's connection and DNS."),
    /** Anything else. */
    UNKNOWN("rclone failed; see the error for details.");

    private final String advice;

    DriveError(String advice) {
        this.advice = advice;
    }

    public String advice() {
        return advice;
    }

    /** The snake_case name used in JSON, e.g. {@code invalid_grant}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Classifies rclone's stderr (or a part of it); the most specific reason wins. */
    public static DriveError classify(String stderr) {
        if (stderr == null || stderr.isBlank()) {
            return UNKNOWN;
        }
        String s = stderr;
        String l = s.toLowerCase(Locale.ROOT);
        if (l.contains("upload limit") || l.contains("uploadlimitexceeded")) {
            return UPLOAD_LIMIT;
        }
        if (s.contains("storageQuotaExceeded") || l.contains("storage quota has been exceeded")
                || s.contains("quotaExceeded") && !s.contains("RateLimit")) {
            return STORAGE_QUOTA;
        }
        if (s.contains("invalid_grant")) {
            return INVALID_GRANT;
        }
        if (s.contains("invalid_client") || s.contains("unauthorized_client")) {
            return INVALID_CLIENT;
        }
        if (s.contains("userRateLimitExceeded") || s.contains("rateLimitExceeded") || l.contains("rate limit exceeded")) {
            return RATE_LIMIT;
        }
        if (l.contains("doesn't support about") || l.contains("does not support about")
                || l.contains("about not supported") || l.contains("about call not supported")) {
            return ABOUT_NOT_SUPPORTED;
        }
        if (l.contains("didn't find section in config file")) {
            return NO_REMOTE;
        }
        if (l.contains("unable to decrypt configuration") || l.contains("rclone_config_pass")
                || l.contains("couldn't decrypt configuration")) {
            return CONFIG_PASSWORD;
        }
        if (l.contains("error 403") || l.contains("403 forbidden")) {
            return FORBIDDEN;
        }
        if (l.contains("no such host") || l.contains("connection refused") || l.contains("i/o timeout")
                || l.contains("network is unreachable") || l.contains("dial tcp") || l.contains("tls handshake timeout")) {
            return NETWORK;
        }
        return UNKNOWN;
    }

    /**
     * The one line of rclone's stderr worth showing: the last error line, with the timestamp cut
     * off and capped, so that a message never grows into a log dump.
     */
    public static String reason(String stderr) {
        if (stderr == null || stderr.isBlank()) {
            return "no error text";
        }
        List<String> lines = stderr.lines().map(String::strip).filter(x -> !x.isEmpty()).toList();
        String pick = null;
        for (String line : lines) {
            String ll = line.toLowerCase(Locale.ROOT);
            if (ll.contains("error") || ll.contains("failed") || ll.contains("fatal") || ll.contains("couldn't")
                    || ll.contains("not supported") || ll.contains("support about")) {
                pick = line;
            }
        }
        if (pick == null) {
            pick = lines.get(lines.size() - 1);
        }
        pick = pick.replaceFirst("^\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2} ", "");
        // tokens never belong in a message, whatever rclone printed
        pick = pick.replaceAll("ya29\\.[A-Za-z0-9._-]+", "ya29.<redacted>").replaceAll("1//[A-Za-z0-9._-]+", "1//<redacted>");
        return pick.length() > 300 ? pick.substring(0, 300) + "..." : pick;
    }
}
