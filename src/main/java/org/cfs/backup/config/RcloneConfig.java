package org.cfs.backup.config;

/**
 * The rclone config file, the remote asked by `quota`, and the optional password of an encrypted
 * config: a file, or (issue 15) the name of a sealed systemd credential.
 */
public record RcloneConfig(String config, String remote, String configPasswordFile, String configPasswordCredential) {
}
