package org.cfs.backup.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The validated, immutable configuration (PRODUCT.md's YAML). Built only by {@link ConfigLoader},
 * which fills defaults and checks every value before anything runs.
 */
public record Config(
        Path file,
        String host,
        RepositoryConfig repository,
        RcloneConfig rclone,
        Path stateDir,
        Path logDir,
        Path cacheDir,
        List<SourceConfig> sources,
        RetentionConfig retention,
        ScheduleConfig schedule,
        QuotaConfig quota,
        List<AlertConfig> alerts,
        AuditConfig audit,
        Path metricsFile,
        String staleAfter,
        int checkSubsets,
        String metricsListen,
        FleetConfig fleet) {

    /** True when the host is a node of a fleet ({@code fleet:} is set). */
    public boolean inFleet() {
        return fleet != null;
    }

    public Optional<SourceConfig> source(String name) {
        return sources.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The sources named, in config order; all of them when none is named. Unknown names are a usage error. */
    public List<SourceConfig> select(List<String> names) {
        if (names == null || names.isEmpty()) {
            return sources;
        }
        for (String n : names) {
            if (source(n).isEmpty()) {
                throw ConfigException.plain("unknown source '" + n + "' (configured: "
                        + String.join(", ", sources.stream().map(SourceConfig::name).toList()) + ")");
            }
        }
        return sources.stream().filter(s -> names.contains(s.name())).toList();
    }
}
