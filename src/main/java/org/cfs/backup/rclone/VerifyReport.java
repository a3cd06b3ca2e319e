package org.cfs.backup.rclone;

import java.util.List;

import org.cfs.backup.ExitCode;

/**
 * What {@code remote verify} found. Holds no secret: the client ID (public in every OAuth URL) is
 * shown, the client secret and the token never.
 *
 * @param ownClient true when the remote has its own OAuth client ID (not rclone's shared one)
 * @param tokenExpiry the access token's expiry as rclone stored it (refreshed when about answered)
 * @param aboutOk {@code rclone about} answered (no 403, the token refresh worked)
 */
public record VerifyReport(String remote, String type, String clientId, boolean ownClient, String scope, Boolean useTrash,
                           boolean tokenPresent, String tokenExpiry, boolean aboutOk, About about, boolean ok,
                           List<Problem> problems) {

    /** One finding; {@code severity} is {@code warning} or {@code critical}. */
    public record Problem(String severity, String code, String problem, String advice) {
    }

    /** 0 nothing found, 3 warnings only, 1 anything critical. */
    public int exitCode() {
        if (problems.stream().anyMatch(p -> p.severity().equals("critical"))) {
            return ExitCode.FAILED;
        }
        return problems.isEmpty() ? ExitCode.OK : ExitCode.PARTIAL;
    }
}
