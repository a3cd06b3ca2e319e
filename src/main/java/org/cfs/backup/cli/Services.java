package org.cfs.backup.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.cfs.backup.config.Config;
import org.cfs.backup.config.ConfigLoader;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.process.ZtProcessRunner;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticSettings;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.OperationLock;
import org.cfs.backup.state.QuiesceJournal;
import org.cfs.backup.state.RunHistory;

/**
 * The wiring of one cfs-backup invocation: config, process runner, adapters and state, created on
 * first use. Loading the config also reconciles the quiesce journal, so every command (read-only
 * ones included) first restarts containers a crashed run left stopped.
 */
public final class Services {
    private final Path configOption;
    private final Map<String, String> env;
    private final Cancellation cancellation;
    private final PrintWriter err;
    private final ProcessRunner runner;
    private Config config;
    private Restic restic;
    private Docker docker;

    public Services(Path configOption, Map<String, String> env, Cancellation cancellation, PrintWriter err) {
        this.configOption = configOption;
        this.env = env;
        this.cancellation = cancellation;
        this.err = err;
        this.runner = new ZtProcessRunner(cancellation);
    }

    public Map<String, String> env() {
        return env;
    }

    public Cancellation cancellation() {
        return cancellation;
    }

    public ProcessRunner runner() {
        return runner;
    }

    public Clock clock() {
        return Clock.systemDefaultZone();
    }

    public Path configPath() {
        return ConfigLoader.resolvePath(configOption, env);
    }

    /** Loads and validates the config once, then reconciles the quiesce journal. */
    public Config config() {
        if (config == null) {
            config = new ConfigLoader().load(configPath());
            reconcileJournal();
        }
        return config;
    }

    /** Binaries can be pointed elsewhere (tests, unusual installs) by environment variables. */
    public String binary(String name) {
        String v = env.get("CFS_BACKUP_" + name.toUpperCase(java.util.Locale.ROOT));
        return v == null || v.isBlank() ? name : v;
    }

    public Restic restic() {
        if (restic == null) {
            Config c = config();
            restic = new Restic(new ResticSettings(binary("restic"), c.repository().url(),
                    Path.of(c.repository().passwordFile()), c.cacheDir(),
                    c.rclone().config() == null ? null : Path.of(c.rclone().config()),
                    c.rclone().configPasswordFile() == null ? null : Path.of(c.rclone().configPasswordFile()),
                    List.of()), runner);
        }
        return restic;
    }

    public Docker docker() {
        if (docker == null) {
            docker = new Docker(binary("docker"), runner, 30);
        }
        return docker;
    }

    public QuiesceJournal journal() {
        return new QuiesceJournal(config().stateDir());
    }

    public RunHistory history() {
        return new RunHistory(config().stateDir());
    }

    public AuditLog auditLog() {
        return new AuditLog(config().logDir());
    }

    public OperationLock lock(String command) {
        return OperationLock.acquire(config().stateDir(), command);
    }

    private void reconcileJournal() {
        AuditLog audit = new AuditLog(config.logDir());
        List<QuiesceJournal.Entry> handled = new QuiesceJournal(config.stateDir()).reconcile(docker(), line -> {
            err.println("cfs-backup: " + line);
            audit.record("reconcile", "resumed", line);
        });
        if (!handled.isEmpty()) {
            err.flush();
        }
    }

    public PrintWriter err() {
        return err;
    }

    /** The alert channels of the config (the alerts topic fills this in; until then nothing is sent). */
    public org.cfs.backup.alert.Alerts alerts() {
        return org.cfs.backup.alert.Alerts.NONE;
    }
}
