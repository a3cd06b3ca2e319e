package org.cfs.backup.rclone;

import java.nio.file.Path;

/**
 * What {@code remote setup} was asked to write. {@link #toString()} leaves the secret out.
 *
 * @param tokenFile rclone's token JSON (from {@code rclone authorize}); null means "not authorized yet"
 * @param scope {@code drive.file} (default) or {@code drive}
 */
public record SetupRequest(String clientId, String clientSecret, Path tokenFile, String scope, String rootFolderId,
                           String teamDrive) {
    @Override
    public String toString() {
        return "SetupRequest[clientId=" + clientId + ", clientSecret=<hidden>, tokenFile=" + tokenFile + ", scope=" + scope
                + ", rootFolderId=" + rootFolderId + ", teamDrive=" + teamDrive + "]";
    }
}
