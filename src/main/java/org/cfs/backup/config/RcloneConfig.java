package org.cfs.backup.config;

/** The rclone config file, the remote asked by `quota`, and the optional password of an encrypted config. */
public record RcloneConfig(String config, String remote, String configPasswordFile) {
}
