package org.cfs.backup.cli;

import org.cfs.backup.ExitCode;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.state.OperationLock;
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
                return ExitCode.OK;
            }
            restic.init();
            if (!restic.repositoryExists()) {
                throw org.cfs.backup.CfsException.failed("restic init reported success but the repository does not open");
            }
            out().println("created repository " + s.config().repository().url());
            s.auditLog().record("init", "ok", "repository created");
            return ExitCode.OK;
        }
    }
}
