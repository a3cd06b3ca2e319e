package org.cfs.backup.config;

/** Where the restic repository lives and the file holding its password. */
public record RepositoryConfig(String url, String passwordFile) {
}
