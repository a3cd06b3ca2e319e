package org.cfs.backup.cli;

import org.cfs.backup.ExitCode;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.state.OperationLock;
import picocli.CommandLine.Command;

/** {@code init}: creates the repository when there is none (idempotent) and proves the remote answers. */
@Command(name = "init", description = "Create the restic repository if it does not exist (idempotent).")
final class InitCommand extends BaseCommand {
    @Override
    public Integer call() {
        Services s = services();
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
