package org.cfs.backup.restic;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything restic needs to reach the repository. Secrets are files: the repository password
 * goes by {@code RESTIC_PASSWORD_FILE}, rclone's config password is read from its file into
 * {@code RCLONE_CONFIG_PASS} (environment, never a command line).
 *
 * @param extraRcloneArgs added to the rclone backend's arguments (e.g. Drive's upload-limit flag)
 */
public record ResticSettings(
        String binary,
        String repository,
        Path passwordFile,
        Path cacheDir,
        Path rcloneConfig,
        Path rcloneConfigPasswordFile,
        List<String> extraRcloneArgs) {

    public boolean rcloneBackend() {
        return repository.startsWith("rclone:");
    }
}
