package org.cfs.backup.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import org.cfs.backup.process.Cancellation;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cfs-backup [-c FILE] [-v] COMMAND}: the global options and the list of commands. */
@Command(name = "cfs-backup", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Backs up Docker volumes, folders and database dumps with restic, proves restores, watches the remote.")
public final class RootCommand implements Runnable {
    /**
     * Every command, in help order. Registered with picocli by {@link Main} (only the one being
     * run, when it can tell): building all of them costs a short command a good part of its start-up.
     */
    static final List<Class<?>> COMMANDS = List.of(InitCommand.class, BackupCommand.class, SnapshotsCommand.class,
            RestoreCommand.class, DrillCommand.class, CheckCommand.class, PruneCommand.class, StatusCommand.class,
            QuotaCommand.class, AuditCommand.class, DaemonCommand.class, RemoteCommand.class, DemoCommand.class);

    /** The command names, for callers that ask whether a command exists in this build. */
    static List<String> commandNames() {
        return COMMANDS.stream().map(c -> c.getAnnotation(Command.class).name()).toList();
    }

    private final Map<String, String> env;
    private final Cancellation cancellation;
    private final ConfigPreload preload;
    private Services services;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config file (default: $CFS_BACKUP_CONFIG or /etc/cfs-backup/config.yaml).")
    Path config;

    private boolean verbose;

    // inherited: `cfs-backup snapshots -v` works as well as `cfs-backup -v snapshots`
    @Option(names = {"-v", "--verbose"}, scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Log more (each child command with its duration), and show stack traces of errors.")
    void setVerbose(boolean v) {
        this.verbose = v;
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(v ? Level.DEBUG : Level.WARN);
    }

    private final Prompts prompts;

    RootCommand(Map<String, String> env, Cancellation cancellation, ConfigPreload preload, Prompts prompts) {
        this.env = env;
        this.cancellation = cancellation;
        this.preload = preload;
        this.prompts = prompts;
    }

    /** Whoever answers the guided prompts: the terminal, or the stdin given to {@link Main#run}. */
    Prompts prompts() {
        return prompts;
    }

    boolean verbose() {
        return verbose;
    }

    /** The wiring for this invocation, created on first use (after options are parsed). */
    public Services services(java.io.PrintWriter err) {
        if (services == null) {
            services = new Services(config, env, cancellation, err);
            services.preload = preload;
        }
        return services;
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "missing command");
    }

    void close() {
        // nothing holds resources across commands yet; kept for symmetry with Main.run
    }
}
