package org.cfs.backup.drill;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.cfs.backup.bootdrill.SqliteCheck;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.state.ScratchJournal;

/**
 * The streaming drill's SQLite check (issue 16): a file of the dump's tar whose first 16 bytes are
 * SQLite's header is spooled, while its bytes stream past, into a scratch folder of the state dir;
 * {@code PRAGMA integrity_check} then runs on a worker thread while the tar goes on, and the copy
 * is deleted. Only SQLite files touch the disk; the folder is in the scratch journal.
 */
final class SqliteSpool {
    private final Path stateDir;
    private final SqliteCheck check;
    /** What the checks found; handed over by {@link #finish} (the tar may turn out to be another snapshot's). */
    private final List<String> found = new ArrayList<>();
    private final Consumer<String> log;
    private final ScratchJournal journal;
    private final AtomicInteger seq = new AtomicInteger();
    private final List<Future<?>> running = new ArrayList<>();
    private ExecutorService workers;
    private Path dir;
    int checked;

    private SqliteSpool(Path stateDir, SqliteCheck check, Consumer<String> log) {
        this.stateDir = stateDir;
        this.check = check;
        this.log = log;
        this.journal = new ScratchJournal(stateDir);
    }

    /** Null when sqlite3 is not installed (the drill then checks no SQLite file, and says so once). */
    static SqliteSpool create(Path stateDir, ProcessRunner runner, Consumer<String> log) {
        if (!SqliteCheck.available("sqlite3")) {
            return null;
        }
        return new SqliteSpool(stateDir, new SqliteCheck("sqlite3", runner), log);
    }

    /** Where one file's bytes go; {@link #done} hands it to the check. */
    final class Sink {
        private final String name;
        private final Path file;
        private OutputStream out;

        Sink(String name, Path file, OutputStream out) {
            this.name = name;
            this.file = file;
            this.out = out;
        }

        void write(byte[] b, int off, int len) {
            if (out == null || len <= 0) {
                return;
            }
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                log.accept(name + ": SQLite database not checked: spooling it failed: " + e.getMessage());
                close();
            }
        }

        private void close() {
            try {
                if (out != null) {
                    out.close();
                }
            } catch (IOException e) {
                // the copy is deleted below
            }
            out = null;
        }

        /** @param complete false when the tar entry broke off (its copy is then just deleted) */
        void done(boolean complete) {
            boolean ok = out != null && complete;
            close();
            if (!ok) {
                delete(file);
                return;
            }
            synchronized (SqliteSpool.this) {
                running.add(workers.submit(() -> {
                    try {
                        String p = check.check(file);
                        synchronized (SqliteSpool.this) {
                            checked++;
                            if (p != null) {
                                found.add(name + ": SQLite database fails PRAGMA integrity_check: " + p);
                            }
                        }
                    } finally {
                        delete(file);
                    }
                }));
            }
        }
    }

    /** Starts the copy of one SQLite file (null when it cannot be made: the drill goes on without it). */
    synchronized Sink start(String snapshotPath) {
        try {
            if (dir == null) {
                Path d = stateDir.resolve(ScratchJournal.PREFIX + "sqlite-" + ProcessHandle.current().pid() + "-"
                        + java.util.UUID.randomUUID().toString().substring(0, 6));
                journal.record(ScratchJournal.Kind.PATH, d.toString(), null, "drill");
                Files.createDirectories(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                dir = d;
                workers = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "drill-sqlite");
                    t.setDaemon(true);
                    return t;
                });
            }
            Path f = dir.resolve("db-" + seq.incrementAndGet());
            return new Sink(snapshotPath, f, new java.io.BufferedOutputStream(Files.newOutputStream(f), 1 << 16));
        } catch (IOException | RuntimeException e) {
            log.accept(snapshotPath + ": SQLite database not checked: " + e.getMessage());
            return null;
        }
    }

    /** Waits for the checks, removes the scratch folder and returns what the checks found. */
    List<String> finish() {
        List<Future<?>> all;
        synchronized (this) {
            all = new ArrayList<>(running);
            running.clear();
        }
        for (Future<?> f : all) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof org.cfs.backup.process.CancelledException ce) {
                    throw ce;
                }
                log.accept("SQLite check failed: " + (c == null ? e : c).getMessage());
            }
        }
        synchronized (this) {
            if (workers != null) {
                workers.shutdownNow();
                workers = null;
            }
            if (dir != null) {
                try {
                    ScratchJournal.deleteTree(dir);
                    journal.clear(ScratchJournal.Kind.PATH, dir.toString());
                } catch (IOException | RuntimeException e) {
                    log.accept("could not remove " + dir + " (the next command tries again): " + e.getMessage());
                }
                dir = null;
            }
            List<String> out = List.copyOf(found);
            found.clear();
            return out;
        }
    }

    private static void delete(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            // removed with the folder
        }
    }
}
