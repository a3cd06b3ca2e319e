package org.cfs.backup.cli;

import org.cfs.backup.process.Cancellation;

/**
 * Turns SIGINT/SIGTERM into a cancellation instead of an abrupt JVM exit, so that restic gets
 * SIGINT, containers are resumed and the command returns 130 on its own.
 */
final class SignalHandling {
    private SignalHandling() {
    }

    @SuppressWarnings("restriction")
    static void install(Cancellation cancellation) {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> cancellation.cancel());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // the JVM keeps its default handling for that signal
            }
        }
    }
}
