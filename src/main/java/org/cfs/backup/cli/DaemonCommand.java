package org.cfs.backup.cli;

import java.io.PrintWriter;
import java.util.List;

import ch.qos.logback.classic.Level;
import org.cfs.backup.schedule.CommandInvoker;
import org.cfs.backup.schedule.Daemon;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
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
                s.alerts(), s.restic(), s.history(), s.auditLog(), new InProcess(s), err());
        // issue 17: the web console beside the schedule when web: is set, stopped when the daemon stops
        try (org.cfs.backup.web.WebServer web = WebCommand.startBesideDaemon(s)) {
            return new Daemon(ctx).run();
        }
    }

    /** Runs a job as the same CLI command, in this JVM, with the daemon's environment and cancellation. */
    private final class InProcess implements CommandInvoker {
        private final Services services;

        InProcess(Services services) {
            this.services = services;
        }

        /** The command's model, built on demand: Main registers only the command being run. */
        private CommandLine sub(String command) {
            int i = RootCommand.commandNames().indexOf(command);
            return i < 0 ? null : new CommandLine(RootCommand.COMMANDS.get(i));
        }

        @Override
        public boolean exists(String command) {
            return sub(command) != null;
        }

        @Override
        public boolean hasOption(String command, String option) {
            CommandLine c = sub(command);
            return c != null && c.getCommandSpec().findOption(option) != null;
        }

        @Override
        public int run(PrintWriter out, PrintWriter err, List<String> args) {
            return Main.run(out, err, services.env(), services.cancellation(), args.toArray(String[]::new));
        }
    }
}
