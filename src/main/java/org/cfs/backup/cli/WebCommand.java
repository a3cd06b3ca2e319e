package org.cfs.backup.cli;

import java.util.concurrent.CountDownLatch;

import ch.qos.logback.classic.Level;
import org.cfs.backup.ExitCode;
import org.cfs.backup.web.WebServer;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/** {@code web}: serves the web console in the foreground, without the schedule, until SIGTERM or Ctrl-C. */
@Command(name = "web", mixinStandardHelpOptions = true, description = "Serve the web console (config web:) in the foreground until SIGTERM; the daemon serves it too when web: is set.")
final class WebCommand extends BaseCommand {

    @Override
    public Integer call() throws InterruptedException {
        if (!root().verbose()) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
        }
        Services s = services();
        CountDownLatch stop = new CountDownLatch(1);
        s.cancellation().onCancel(stop::countDown);
        try (WebServer server = new WebServer(new WebWiring(s), s.clock()).start()) {
            err().println("cfs-backup: web console on http://" + s.config().web().host() + ":" + server.port() + "/");
            err().flush();
            if (!s.cancellation().isCancelled()) {
                stop.await();
            }
        }
        return ExitCode.OK;
    }

    /** Starts the console beside the daemon when {@code web:} is set (the daemon's minimal hook); null otherwise. */
    static WebServer startBesideDaemon(Services s) {
        return s.config().web() == null ? null : new WebServer(new WebWiring(s), s.clock()).start();
    }
}
