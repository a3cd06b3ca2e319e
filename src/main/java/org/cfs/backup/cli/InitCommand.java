package org.cfs.backup.cli;

import org.cfs.backup.ExitCode;
import org.cfs.backup.backup.ConfigSnapshot;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.state.OperationLock;
import org.cfs.backup.state.TidyMarker;
import picocli.CommandLine.Command;

/** {@code init}: creates the repository when there is none (idempotent) and proves the remote answers. */
@Command(name = "init", description = "Create the restic repository if it does not exist (idempotent).")
final class InitCommand extends BaseCommand {
    /**
     * rclone.remote is the remote that {@code quota} asks; on another remote than the repository's
     * it watches the wrong Drive, which nobody notices until the real one is full.
     */
    static java.util.Optional<String> remoteMismatch(Services s) {
        String repoRemote = org.cfs.backup.rclone.Rclone.repositoryRemote(s.config().repository().url());
        String quotaRemote = s.config().rclone().remote();
        if (repoRemote == null || quotaRemote == null
                || org.cfs.backup.rclone.Rclone.remoteName(quotaRemote).equals(repoRemote)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("rclone.remote '" + quotaRemote + "' is not the repository's remote '" + repoRemote
                + "': quota watches the free space of another remote than the one the backups fill");
    }

    @Override
    public Integer call() {
        Services s = services();
        remoteMismatch(s).ifPresent(w -> err().println("cfs-backup: warning: " + w));
        Restic restic = s.restic();
        try (OperationLock lock = s.lock("init")) {
            if (restic.repositoryExists()) {
                out().println("repository " + s.config().repository().url() + " exists and opens with the configured password");
                s.auditLog().record("init", "ok", "repository exists");
                remindOffHost(s);
                return ExitCode.OK;
            }
            restic.init();
            if (!restic.repositoryExists()) {
                throw org.cfs.backup.CfsException.failed("restic init reported success but the repository does not open");
            }
            out().println("created repository " + s.config().repository().url());
            s.auditLog().record("init", "ok", "repository created");
            // the config is the new repository's first snapshot: recover finds it from the start, and
            // the first backup (which would otherwise save it, a second restic beside its data) does not
            var saved = new ConfigSnapshot(s.config(), restic, s.auditLog(), line -> err().println("cfs-backup: " + line))
                    .saveAfterBackup(java.util.List.of());
            if ("saved".equals(saved.result())) {
                // nothing in a new repository for the first backup to look for (no first pass, no
                // stale lock): without the mark its look would be a restic start beside its data
                new TidyMarker(s.config().stateDir(), "backup").mark();
            }
            remindOffHost(s);
            return ExitCode.OK;
        }
    }

    /** What the day of disaster needs and the host cannot keep for itself (docs/disaster-recovery.md). */
    private void remindOffHost(Services s) {
        var c = s.config();
        out().println("keep off this host (a password manager, a sealed envelope), or a lost host cannot be recovered:");
        out().println("  - the repository URL: " + c.repository().url());
        out().println("  - the restic password: the contents of " + c.repository().passwordFile()
                + " (without it the repository cannot be read by anyone)");
        if (c.rclone().config() != null) {
            out().println("  - the rclone config " + c.rclone().config() + " (or the OAuth client id, secret and token to"
                    + " write it again)" + (c.rclone().configPasswordFile() == null ? "" : ", and its password "
                    + c.rclone().configPasswordFile()));
        }
        out().println("  on a new machine: cfs-backup recover --repository URL --password-file F"
                + (c.rclone().config() == null ? "" : " --rclone-config F") + " (see docs/disaster-recovery.md)");
    }
}
