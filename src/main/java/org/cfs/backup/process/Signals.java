package org.cfs.backup.process;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Sends POSIX signals to children. Java can only send SIGTERM/SIGKILL, and SIGTERM kills
 * restic 0.14 without removing its lock, so SIGINT goes through kill(1).
 */
public final class Signals {
    private Signals() {
    }

    public static void interrupt(Process p) {
        send(p.pid(), "INT");
    }

    public static void send(long pid, String signal) {
        try {
            Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            k.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // the child may be gone already; nothing else to do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGINT, then after {@code graceMillis} SIGTERM, then SIGKILL: the escalation for a stuck child. */
    public static void stop(Process p, long graceMillis) {
        if (!p.isAlive()) {
            return;
        }
        interrupt(p);
        try {
            if (p.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
                return;
            }
            p.destroy();
            if (p.waitFor(2, TimeUnit.SECONDS)) {
                return;
            }
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
