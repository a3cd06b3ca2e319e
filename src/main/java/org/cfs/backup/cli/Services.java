package org.cfs.backup.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.cfs.backup.alert.Alerts;
import org.cfs.backup.alert.ChannelAlerts;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.ConfigLoader;
import org.cfs.backup.config.FleetConfig;
import org.cfs.backup.fleet.FleetStore;
import org.cfs.backup.CfsException;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.policy.AlertPolicy;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.process.ZtProcessRunner;
import org.cfs.backup.rclone.Rclone;
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
    private Alerts alerts;
    /** The config read ahead on another thread, when there is one (see {@link ConfigPreload}). */
    ConfigPreload preload;

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
            Path file = configPath();
            Config ahead = preload == null ? null : preload.take(file);
            config = ahead != null ? ahead : new ConfigLoader().load(file);
            warnOpenPasswordFile();
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
            // issue 15: a sealed credential is a file systemd decrypted, or a decrypting password command
            Path passwordFile = c.repository().passwordFile() == null ? null : Path.of(c.repository().passwordFile());
            String passwordCommand = null;
            if (c.repository().passwordCredential() != null) {
                var source = credentials().resolve("repository.password-credential", c.repository().passwordCredential());
                passwordFile = source.file();
                passwordCommand = source.command();
            }
            restic = new Restic(new ResticSettings(binary("restic"), c.repository().url(),
                    passwordFile, c.cacheDir(),
                    c.rclone().config() == null ? null : Path.of(c.rclone().config()),
                    c.rclone().configPasswordFile() == null ? null : Path.of(c.rclone().configPasswordFile()),
                    driveRcloneArgs(), passwordCommand, rclonePasswordCommand()), runner);
        }
        return restic;
    }

    // ---- Google Drive remote (issue 5) ----

    private Rclone rclone;
    private Boolean onDrive;

    public Rclone rclone() {
        if (rclone == null) {
            Config c = config();
            rclone = new Rclone(binary("rclone"), c.rclone().config() == null ? null : Path.of(c.rclone().config()),
                    c.rclone().configPasswordFile() == null ? null : Path.of(c.rclone().configPasswordFile()),
                    rclonePasswordCommand(), runner);
        }
        return rclone;
    }

    // ---- sealed secrets (issue 15) ----

    public org.cfs.backup.secrets.Credentials credentials() {
        return new org.cfs.backup.secrets.Credentials(config().credentialsDir(), env);
    }

    /** rclone.config-password-credential as rclone's password command, or null. */
    private String rclonePasswordCommand() {
        String name = config().rclone().configPasswordCredential();
        return name == null ? null : credentials().resolve("rclone.config-password-credential", name).asCommand();
    }


    /** True when the repository is on an rclone remote of type drive (read once, cheaply). */
    public boolean repositoryOnDrive() {
        if (onDrive == null) {
            String remote = Rclone.repositoryRemote(config().repository().url());
            boolean drive = false;
            if (remote != null) {
                try {
                    drive = "drive".equals(rclone().remoteType(remote));
                } catch (RuntimeException e) {
                    // restic reports an unreadable config better, at its first use
                }
            }
            onDrive = drive;
        }
        return onDrive;
    }

    /** Drive: fail fast at the 750 GB/day cap instead of retrying for hours. */
    private List<String> driveRcloneArgs() {
        return repositoryOnDrive() ? List.of("--drive-stop-on-upload-limit") : List.of();
    }

    public Docker docker() {
        if (docker == null) {
            // Docker's own 10 s (was 30): a source's stop-timeout overrides it for its containers (issue 14)
            docker = new Docker(binary("docker"), runner, Docker.DEFAULT_STOP_TIMEOUT_SECONDS);
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

    /**
     * The alert channels of {@code alerts:}, de-duplicated through {@code state-dir/alerts.json};
     * with no channel configured it still tracks open alerts (for {@code status}).
     */
    public Alerts alerts() {
        if (alerts == null) {
            Config c = config();
            alerts = ChannelAlerts.fromConfig(c.alerts() == null ? List.of() : c.alerts(), c.stateDir(), c.host(),
                    cancellation);
        }
        return alerts;
    }

    /** The fleet's shared store ({@code fleet:}), or null for one host; the password is read from its file now. */
    public FleetStore fleet() {
        FleetConfig f = config().fleet();
        if (f == null) {
            return null;
        }
        try {
            String password = java.nio.file.Files.readString(Path.of(f.passwordFile())).strip();
            return new FleetStore(f, password);
        } catch (java.io.IOException e) {
            throw CfsException.usage("fleet.password-file " + f.passwordFile() + " cannot be read: "
                    + e.getClass().getSimpleName());
        }
    }

    public OperationLock lock(String command) {
        return OperationLock.acquire(config().stateDir(), command);
    }

    /** The boot drills' scratch journal (issue 16). */
    public org.cfs.backup.state.ScratchJournal scratchJournal() {
        return new org.cfs.backup.state.ScratchJournal(config().stateDir());
    }

    private void reconcileJournal() {
        AuditLog audit = new AuditLog(config.logDir());
        // first an in-place restore a crash left half-way (finished or rolled back), so that no
        // container is resumed on a mixed volume (issue 11)
        java.util.function.Predicate<QuiesceJournal.Entry> hold = reconcileSwaps(audit);
        // boot drills (issue 16): scratch containers, volumes, folders and processes of a dead run
        org.cfs.backup.bootdrill.ScratchReconcile.reconcile(new org.cfs.backup.state.ScratchJournal(config.stateDir()),
                docker(), line -> {
            err.println("cfs-backup: " + line);
            audit.record("reconcile", "removed", line);
        });
        AlertPolicy policy = new AlertPolicy(alerts());
        List<QuiesceJournal.Entry> handled = org.cfs.backup.quiesce.QuiesceReconcile.reconcile(
                new QuiesceJournal(config.stateDir()), docker(), line -> {
            err.println("cfs-backup: " + line);
            audit.record("reconcile", "resumed", line);
        }, e -> {
            boolean held = hold.test(e);
            if (held) {
                policy.held(e.name(), e.volume()); // the app is down until the swap is finished
            }
            return held;
        });
        // cleared by the next good backup: a crash a human should hear about
        handled.forEach(policy::reconciled);
        if (!handled.isEmpty()) {
            err.flush();
        }
    }

    /**
     * Repairs the in-place restores dead runs left ({@code restore-swap-*.json}); returns which
     * journal entries must wait: those whose volume still has an unfinished swap.
     */
    private java.util.function.Predicate<QuiesceJournal.Entry> reconcileSwaps(AuditLog audit) {
        org.cfs.backup.restore.TreeSwap swap = new org.cfs.backup.restore.TreeSwap(config.stateDir(), line -> {
            err.println("cfs-backup: " + line);
            audit.record("reconcile", "restore-swap", line);
        });
        try {
            swap.recover();
        } catch (org.cfs.backup.CfsException e) {
            err.println("cfs-backup: " + e.getMessage());
        }
        List<Path> unfinished = swap.unfinished();
        err.flush();
        if (unfinished.isEmpty()) {
            return e -> false;
        }
        return e -> {
            if (e.volume() == null) {
                return false;
            }
            try {
                Path mp = Path.of(docker().volume(e.volume()).mountpoint());
                return unfinished.stream().anyMatch(u -> u.startsWith(mp) || mp.startsWith(u));
            } catch (RuntimeException ex) {
                return false;
            }
        };
    }

    /** A repository password file others can read is used, but never without a word (audit's rule, issue 11). */
    private void warnOpenPasswordFile() {
        if (config.repository().passwordFile() == null) {
            return; // a sealed credential (issue 15)
        }
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms =
                    java.nio.file.Files.getPosixFilePermissions(Path.of(config.repository().passwordFile()));
            if (perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)
                    || perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)) {
                String f = config.repository().passwordFile();
                err.println("cfs-backup: warning: repository.password-file " + f + " is readable by "
                        + (perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ) ? "every user" : "its group")
                        + " (fix: chown root:root " + f + " && chmod 600 " + f + "; 'cfs-backup audit' reports it as critical)");
                err.flush();
            }
        } catch (java.io.IOException | UnsupportedOperationException e) {
            // restic reports an unreadable file at its first use
        }
    }

    public PrintWriter err() {
        return err;
    }
}
