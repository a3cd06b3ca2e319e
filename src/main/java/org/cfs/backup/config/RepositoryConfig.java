package org.cfs.backup.config;

/**
 * Where the restic repository lives and its password: a file, or (issue 15) the name of a systemd
 * credential sealed into {@code credentials-dir/NAME.cred} (exactly one of the two).
 */
public record RepositoryConfig(String url, String passwordFile, String passwordCredential) {
}
