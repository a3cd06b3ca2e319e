package org.cfs.backup.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.cfs.backup.config.Config;
import org.cfs.backup.config.ConfigLoader;

/**
 * Reads the config file the command line names, and starts logback, on threads of their own while
 * picocli builds its model: on a two-core server the parts of start-up overlap, and a command that
 * starts restic (a drill, a restore) starts it about a tenth of a second sooner. The config read
 * ahead is used only when the command asks for the same file; its error is raised then, as if the
 * config had been read at that moment.
 */
final class ConfigPreload {
    private final Path path;
    private final CompletableFuture<Config> result = new CompletableFuture<>();
    private Thread logging;

    private ConfigPreload(Path path) {
        this.path = path;
    }

    /** Starts reading the config {@code -c FILE}, {@code $CFS_BACKUP_CONFIG} or the default names. */
    static ConfigPreload start(String[] args, Map<String, String> env) {
        ConfigPreload p;
        try {
            p = new ConfigPreload(ConfigLoader.resolvePath(configOption(args), env));
        } catch (RuntimeException e) {
            return null; // a file name Java cannot take: the command reports it the ordinary way
        }
        Thread t = new Thread(() -> {
            try {
                p.result.complete(new ConfigLoader().load(p.path));
            } catch (Throwable e) {
                p.result.completeExceptionally(e);
            }
        }, "config-preload");
        t.setDaemon(true);
        t.start();
        // logback configures itself (LogSetup) on first use
        p.logging = new Thread(org.slf4j.LoggerFactory::getILoggerFactory, "log-preload");
        p.logging.setDaemon(true);
        p.logging.start();
        return p;
    }

    /**
     * Waits until logback is configured. slf4j does not make a second thread wait while it
     * initialises: it hands out substitute loggers, which {@code -v} (a cast to logback's Logger)
     * cannot take. So this runs before any option is applied.
     */
    void awaitLogging() {
        try {
            logging.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The value of the last {@code -c}/{@code --config} before the command word, or null. */
    static Path configOption(String[] args) {
        Path found = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("-c") || a.equals("--config")) && i + 1 < args.length) {
                found = Path.of(args[++i]);
            } else if (a.startsWith("--config=")) {
                found = Path.of(a.substring("--config=".length()));
            } else if (!a.startsWith("-")) {
                break;
            }
        }
        return found;
    }

    /** The config read ahead when it is of {@code file}, else null (the caller reads it itself). */
    Config take(Path file) {
        if (!path.equals(file)) {
            return null;
        }
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
