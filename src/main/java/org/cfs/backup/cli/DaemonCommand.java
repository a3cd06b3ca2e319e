package org.cfs.backup.cli;


import ch.qos.logback.classic.Level;
import org.cfs.backup.schedule.Daemon;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/** {@code daemon}: runs the schedule in the foreground (what the systemd unit starts) until SIGTERM. */
@Command(name = "daemon", description = "Run the schedule (backup, prune, check, drill, quota, audit) in the foreground until SIGTERM.")
final class DaemonCommand extends BaseCommand {

    @Override
    public Integer call() {
        if (!root().verbose()) {
            // the daemon's own story (jobs started, finished, queued) belongs in the journal
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
        }
        Services s = services();
        Daemon.Context ctx = new Daemon.Context(s.config(), s.configPath().toAbsolutePath(), s.cancellation(), s.clock(),
                s.alerts(), s.restic(), s.history(), s.auditLog(), jobs(), s.fleet());
        return new Daemon(ctx).run();
    }
}
