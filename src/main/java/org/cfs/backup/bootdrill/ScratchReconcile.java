package org.cfs.backup.bootdrill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.cfs.backup.CfsException;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.state.ScratchJournal;
import org.cfs.backup.state.ScratchJournal.Entry;
import org.cfs.backup.state.ScratchJournal.Kind;

/**
 * Removes what dead boot drills left behind (the scratch journal's entries). Moved here from
 * {@code state.ScratchJournal} (issue 10): {@code state} keeps only the file, this package knows Docker.
 */
public final class ScratchReconcile {
    private ScratchReconcile() {
    }

    /**
     * Removes what dead owners left behind (processes first, then containers, volumes, folders)
     * and drops their entries; entries of a live owner are left to it.
     *
     * @return the entries that were removed
     */
    public static List<Entry> reconcile(ScratchJournal journal, Docker docker, Consumer<String> log) {
        if (!journal.exists()) {
            return List.of();
        }
        List<Entry> handled = new ArrayList<>();
        journal.change(entries -> {
            List<Entry> remaining = new ArrayList<>();
            List<Entry> dead = new ArrayList<>();
            for (Entry e : entries) {
                (ScratchJournal.ownerAlive(e) ? remaining : dead).add(e);
            }
            dead.sort(java.util.Comparator.comparing(Entry::kind, (a, b) -> order(a) - order(b)));
            for (Entry e : dead) {
                try {
                    remove(e, docker);
                    handled.add(e);
                    log.accept("removed scratch " + e.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + e.ref()
                            + " left by dead cfs-backup pid " + e.pid() + " (" + e.command() + ")");
                } catch (CfsException | IOException ex) {
                    remaining.add(e);
                    log.accept("could not remove scratch " + e.kind().name().toLowerCase(java.util.Locale.ROOT) + " "
                            + e.ref() + ": " + ex.getMessage());
                }
            }
            entries.clear();
            entries.addAll(remaining);
        });
        return handled;
    }

    private static int order(Kind k) {
        return switch (k) {
            case PROCESS -> 0;
            case CONTAINER -> 1;
            case VOLUME -> 2;
            case PATH -> 3;
        };
    }

    /** Removes one scratch thing; a thing already gone is fine. */
    public static void remove(Entry e, Docker docker) throws IOException {
        switch (e.kind()) {
            case PROCESS -> killProcess(Long.parseLong(e.ref()), e.detail());
            case CONTAINER -> {
                if (!ScratchJournal.isScratchName(e.kind(), e.ref())) {
                    throw new IOException("refusing to remove " + e.ref() + ": not a scratch name");
                }
                docker.removeContainerIfExists(e.ref());
            }
            case VOLUME -> {
                if (!ScratchJournal.isScratchName(e.kind(), e.ref())) {
                    throw new IOException("refusing to remove " + e.ref() + ": not a scratch name");
                }
                docker.removeVolumeIfExists(e.ref());
            }
            case PATH -> {
                if (!ScratchJournal.isScratchName(e.kind(), e.ref())) {
                    throw new IOException("refusing to remove " + e.ref() + ": not a scratch name");
                }
                // a process still working in the folder (mariadb-install-db's bootstrap server) goes first
                killProcessesUsing(e.ref());
                ScratchJournal.deleteTree(Path.of(e.ref()));
            }
        }
    }

    /** Kills the process when it is still the one meant (its command line holds {@code marker}); waits for its end. */
    static void killProcess(long pid, String marker) throws IOException {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return;
        }
        String cmdline;
        try {
            cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
        } catch (IOException ex) {
            return; // gone meanwhile
        }
        if (marker == null || !cmdline.contains(marker)) {
            return; // the pid was reused by another program: not ours to kill
        }
        h.get().destroyForcibly();
        try {
            h.get().onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException ex) {
            throw new IOException("process " + pid + " did not end after SIGKILL");
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for process " + pid);
        } catch (java.util.concurrent.ExecutionException ex) {
            // ended
        }
    }

    /** Kills every process whose command line names the scratch folder (only called for scratch names). */
    static void killProcessesUsing(String folder) throws IOException {
        long self = ProcessHandle.current().pid();
        try (var procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                String cmdline;
                try {
                    cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                } catch (IOException | RuntimeException ex) {
                    continue;
                }
                if (cmdline.contains(folder + "/") || cmdline.contains(folder + " ") || cmdline.endsWith(folder)) {
                    killProcess(pid, folder);
                }
            }
        } catch (java.nio.file.NoSuchFileException ex) {
            // no /proc: nothing to find
        }
    }

}
