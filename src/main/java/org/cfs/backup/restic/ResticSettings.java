package org.cfs.backup.restic;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything restic needs to reach the repository. Secrets are files: the repository password
 * goes by {@code RESTIC_PASSWORD_FILE}, rclone's config password is read from its file into
 * {@code RCLONE_CONFIG_PASS} (environment, never a command line).
 *
 * @param extraRcloneArgs added to the rclone backend's arguments (e.g. Drive's upload-limit flag)
 * @param passwordCommand issue 15: instead of the password file, a command that prints the password
 *        ({@code RESTIC_PASSWORD_COMMAND}: a sealed credential decrypted by systemd-creds), or null
 * @param rcloneConfigPasswordCommand the same for rclone's config password ({@code RCLONE_PASSWORD_COMMAND}), or null
 */
public record ResticSettings(
        String binary,
        String repository,
        Path passwordFile,
        Path cacheDir,
        Path rcloneConfig,
        Path rcloneConfigPasswordFile,
        List<String> extraRcloneArgs,
        String passwordCommand,
        String rcloneConfigPasswordCommand) {

    /** Secrets as files only (what every caller had before credentials). */
    public ResticSettings(String binary, String repository, Path passwordFile, Path cacheDir, Path rcloneConfig,
                          Path rcloneConfigPasswordFile, List<String> extraRcloneArgs) {
        this(binary, repository, passwordFile, cacheDir, rcloneConfig, rcloneConfigPasswordFile, extraRcloneArgs, null, null);
    }

    public boolean rcloneBackend() {
        return repository.startsWith("rclone:");
    }
}
