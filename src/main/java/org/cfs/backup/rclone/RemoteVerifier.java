package org.cfs.backup.rclone;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The checks the host documents ask of the Drive remote: it exists and is a Drive remote, it uses
 * its own OAuth client (not rclone's shared one and its rate limits), it has a token and
 * {@code rclone about} answers with it (which refreshes an expired token: no 403, no
 * {@code invalid_grant}); scope and {@code use_trash} are reported.
 */
public final class RemoteVerifier {
    private final Rclone rclone;
    private final String remote;

    public RemoteVerifier(Rclone rclone, String remote) {
        if (remote == null || remote.isBlank()) {
            throw org.cfs.backup.CfsException.usage("rclone.remote is not set in the config");
        }
        this.rclone = rclone;
        this.remote = Rclone.remoteName(remote);
    }

    public VerifyReport verify() {
        List<VerifyReport.Problem> problems = new ArrayList<>();
        Map<String, String> settings;
        try {
            settings = rclone.remote(remote);
        } catch (RcloneException e) {
            problems.add(problem("critical", e.error(), "rclone cannot read its config: " + e.reason()));
            return new VerifyReport(remote, null, null, false, null, null, false, null, false, null, false, problems);
        }
        if (settings == null) {
            problems.add(problem("critical", DriveError.NO_REMOTE, "remote '" + remote + "' is not in the rclone config"));
            return new VerifyReport(remote, null, null, false, null, null, false, null, false, null, false, problems);
        }
        String type = settings.get("type");
        boolean drive = "drive".equals(type);
        String clientId = blankToNull(settings.get("client_id"));
        boolean ownClient = clientId != null;
        String scope = null;
        Boolean useTrash = null;
        boolean tokenPresent = false;
        String expiry = null;
        if (!drive) {
            problems.add(new VerifyReport.Problem("critical", "not_drive", "remote '" + remote + "' is of type " + type
                    + ", not a Google Drive remote", "Run 'cfs-backup remote setup' to write a Drive remote."));
        } else {
            scope = settings.getOrDefault("scope", "");
            if (scope.isBlank()) {
                scope = "drive";
            }
            // rclone's default for Drive is use_trash = true
            useTrash = !"false".equalsIgnoreCase(settings.getOrDefault("use_trash", "true"));
            if (!ownClient) {
                problems.add(new VerifyReport.Problem("warning", "shared_client",
                        "the remote has no client_id: it uses rclone's shared OAuth client", DriveError.RATE_LIMIT.advice()));
            }
            if (useTrash) {
                problems.add(new VerifyReport.Problem("warning", "use_trash",
                        "use_trash is on: pruned files sit in the Drive trash and still count against quota",
                        "Set use_trash = false (rerun 'cfs-backup remote setup') or empty the trash with 'rclone cleanup "
                                + remote + ":'."));
            }
            JsonNode token = parseToken(settings.get("token"));
            tokenPresent = token != null && token.hasNonNull("refresh_token");
            expiry = token == null ? null : token.path("expiry").asText(null);
            if (!tokenPresent) {
                problems.add(new VerifyReport.Problem("critical", "no_token", "the remote has no OAuth token with a refresh token",
                        "Run 'rclone authorize \"drive\" CLIENT_ID CLIENT_SECRET' on a machine with a browser, save the"
                                + " token to a file and run 'cfs-backup remote setup --token-file FILE'."));
            }
        }
        About about = null;
        boolean aboutOk = false;
        try {
            about = rclone.about(remote);
            aboutOk = true;
        } catch (RcloneException e) {
            String severity = e.error() == DriveError.ABOUT_NOT_SUPPORTED ? "warning" : "critical";
            problems.add(problem(severity, e.error(), "rclone about " + remote + ": failed: " + e.reason()));
        }
        if (aboutOk && drive) {
            // about refreshed the token if it had expired: report the expiry rclone stored since
            try {
                JsonNode token = parseToken(rclone.remote(remote).get("token"));
                if (token != null) {
                    expiry = token.path("expiry").asText(expiry);
                }
            } catch (RuntimeException e) {
                // the expiry is informative only
            }
        }
        boolean ok = problems.stream().noneMatch(p -> p.severity().equals("critical"));
        return new VerifyReport(remote, type, clientId, ownClient, scope, useTrash, tokenPresent, expiry, aboutOk, about,
                ok, problems);
    }

    private static VerifyReport.Problem problem(String severity, DriveError e, String text) {
        return new VerifyReport.Problem(severity, e.code(), text, e.advice());
    }

    private static JsonNode parseToken(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            return Rclone.JSON.readTree(json);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
