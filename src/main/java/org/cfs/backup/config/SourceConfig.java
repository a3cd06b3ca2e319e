package org.cfs.backup.config;

import java.util.List;

/**
 * One thing to back up; exactly one of {@code volume}, {@code path}, {@code paths}, {@code command}
 * is set. {@code before}/{@code after} are hook argument lists; {@code drillCommand} receives a
 * dump on stdin during drills; {@code restoreCommand} receives it on an in-place restore
 * ({@code restore SOURCE} without {@code --target}, {@code restore --all}).
 */
public record SourceConfig(
        String name,
        String volume,
        String path,
        List<String> paths,
        List<String> command,
        String stdinFilename,
        Consistency consistency,
        List<String> exclude,
        List<String> before,
        List<String> after,
        List<String> drillCommand,
        List<String> restoreCommand,
        BootDrillConfig bootDrill,
        String stopTimeout) {

    /** Docker's own {@code docker stop} time-out, the default of {@code stop-timeout} (issue 14). */
    public static final int DEFAULT_STOP_TIMEOUT_SECONDS = 10;

    /** Without {@code stop-timeout} (issue 14). */
    public SourceConfig(String name, String volume, String path, List<String> paths, List<String> command,
                        String stdinFilename, Consistency consistency, List<String> exclude, List<String> before,
                        List<String> after, List<String> drillCommand, List<String> restoreCommand,
                        BootDrillConfig bootDrill) {
        this(name, volume, path, paths, command, stdinFilename, consistency, exclude, before, after, drillCommand,
                restoreCommand, bootDrill, null);
    }

    /**
     * Seconds {@code docker stop} waits after SIGTERM before it kills a container of this source
     * ({@code stop-timeout}, a duration such as {@code 30s}; default Docker's 10 s).
     */
    public int stopTimeoutSeconds() {
        return stopTimeout == null ? DEFAULT_STOP_TIMEOUT_SECONDS : (int) Durations.parse(stopTimeout).toSeconds();
    }

    /** Without {@code restore-command} (issue 12) and {@code boot-drill} (issue 16). */
    public SourceConfig(String name, String volume, String path, List<String> paths, List<String> command,
                        String stdinFilename, Consistency consistency, List<String> exclude, List<String> before,
                        List<String> after, List<String> drillCommand) {
        this(name, volume, path, paths, command, stdinFilename, consistency, exclude, before, after, drillCommand,
                (List<String>) null, (BootDrillConfig) null);
    }

    /** With {@code restore-command}, without {@code boot-drill}. */
    public SourceConfig(String name, String volume, String path, List<String> paths, List<String> command,
                        String stdinFilename, Consistency consistency, List<String> exclude, List<String> before,
                        List<String> after, List<String> drillCommand, List<String> restoreCommand) {
        this(name, volume, path, paths, command, stdinFilename, consistency, exclude, before, after, drillCommand,
                restoreCommand, (BootDrillConfig) null);
    }

    /** With {@code boot-drill}, without {@code restore-command}. */
    public SourceConfig(String name, String volume, String path, List<String> paths, List<String> command,
                        String stdinFilename, Consistency consistency, List<String> exclude, List<String> before,
                        List<String> after, List<String> drillCommand, BootDrillConfig bootDrill) {
        this(name, volume, path, paths, command, stdinFilename, consistency, exclude, before, after, drillCommand,
                (List<String>) null, bootDrill);
    }

    /** {@code boot-drill:} with its defaults filled in (issue 16). */
    public BootDrillConfig bootDrillOrDefault() {
        return bootDrill == null ? BootDrillConfig.defaults() : bootDrill;
    }

    /** The kind of source, from which of the four keys is set. */
    public enum Kind { VOLUME, PATHS, COMMAND }

    public Kind kind() {
        if (volume != null) {
            return Kind.VOLUME;
        }
        if (command != null) {
            return Kind.COMMAND;
        }
        return Kind.PATHS;
    }

    /** The folders of a path source ({@code path} or {@code paths}). */
    public List<String> allPaths() {
        if (path != null) {
            return List.of(path);
        }
        return paths == null ? List.of() : paths;
    }

    public Consistency consistencyOrLive() {
        return consistency == null ? Consistency.LIVE : consistency;
    }

    public List<String> excludes() {
        return exclude == null ? List.of() : exclude;
    }

    /** The file name the dump gets inside the snapshot. */
    public String stdinFilenameOrDefault() {
        return stdinFilename != null ? stdinFilename : name + ".dump";
    }
}
