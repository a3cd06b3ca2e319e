package org.cfs.backup.config;

import java.util.List;

/** The isolation audit's inputs: workspaces to scan, protected paths, allowed exceptions. */
public record AuditConfig(List<String> workspaces, List<String> protectedPaths, List<Allow> allow) {

    /** A known exception: findings of {@code rule} on {@code subject} are listed as allowed. */
    public record Allow(String rule, String subject, String reason) {
    }

    public static AuditConfig defaults() {
        return new AuditConfig(List.of(), List.of("/opt/cfs-infra"), List.of());
    }
}
