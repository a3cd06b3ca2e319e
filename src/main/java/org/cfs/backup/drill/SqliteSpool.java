package org.cfs.backup.drill;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
 * SQLite's header is spooled, while its bytes stream past, into a scratch folder; as soon as its
 * last byte is there, {@code PRAGMA integrity_check} starts in a {@code sqlite3} child on a worker
 * thread, and the copy is deleted after it. The check overlaps the rest of the tar, restic's exit,
 * the live comparison and the listing; the drill joins it last ({@link #finish}). Only SQLite files
 * are spooled. The folder is in tmpfs ({@code /dev/shm}) when the file fits there (at most a
 * quarter of the memory available and the tmpfs's free space less a margin), else in the state
 * dir when it fits there; else the file is not checked and the log says why. Every folder is in
 * the scratch journal before it is made, so a kill -9 leaves nothing after the next command.
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
    /** The copy's way to the kernel (the tar is read on one thread, one file at a time). */
    private ByteBuffer direct;
    /** The scratch folders made, by the folder they are in (tmpfs, the state dir). */
    private final java.util.Map<Path, Path> dirs = new java.util.LinkedHashMap<>();
    /** Where spooling is tried first: tmpfs (page cache only, no file system journal, no write-back). */
    private final Path tmpfs;
    int checked;

    /** Free space left beside a spooled copy (the tmpfs or the state dir). */
    static final long MARGIN = 64L << 20;

    private SqliteSpool(Path stateDir, SqliteCheck check, Consumer<String> log, Path tmpfs) {
        this.stateDir = stateDir;
        this.check = check;
        this.log = log;
        this.journal = new ScratchJournal(stateDir);
        this.tmpfs = tmpfs;
    }

    /** Null when sqlite3 is not installed (the drill then checks no SQLite file, and says so once). */
    static SqliteSpool create(Path stateDir, ProcessRunner runner, Consumer<String> log) {
        if (!SqliteCheck.available("sqlite3")) {
            return null;
        }
        return create(stateDir, runner, log, Path.of("/dev/shm"));
    }

    /** As {@link #create(Path, ProcessRunner, Consumer)}, spooling to {@code tmpfs} first (null: the state dir only). */
    static SqliteSpool create(Path stateDir, ProcessRunner runner, Consumer<String> log, Path tmpfs) {
        if (!SqliteCheck.available("sqlite3")) {
            return null;
        }
        return new SqliteSpool(stateDir, new SqliteCheck("sqlite3", runner), log, tmpfs);
    }

    /**
     * Where a copy of {@code size} bytes goes: tmpfs when it is a folder this process may write,
     * the copy is at most a quarter of the memory available ({@code memAvailable}, -1 when unknown:
     * tmpfs is then not used) and leaves {@link #MARGIN} free there; else the state dir when the
     * copy leaves the margin free there; else null (no room: the file is not checked).
     */
    static Path place(long size, Path tmpfs, long tmpfsUsable, long memAvailable, Path stateDir, long stateUsable) {
        if (tmpfs != null && memAvailable > 0 && size <= memAvailable / 4 && size + MARGIN <= tmpfsUsable) {
            return tmpfs;
        }
        if (size + MARGIN <= stateUsable) {
            return stateDir;
        }
        return null;
    }

    /** MemAvailable of /proc/meminfo in bytes, -1 when it cannot be read. */
    static long memAvailable() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemAvailable:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown: no tmpfs
        }
        return -1;
    }

    private static long usable(Path dir) {
        try {
            return dir != null && Files.isDirectory(dir) && Files.isWritable(dir) ? Files.getFileStore(dir).getUsableSpace() : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Where one file's bytes go; {@link #done} hands it to the check. */
    final class Sink {
        private final String name;
        private final Path file;
        private FileChannel out;

        Sink(String name, Path file, FileChannel out) {
            this.name = name;
            this.file = file;
            this.out = out;
        }

        void write(byte[] b, int off, int len) {
            if (out == null || len <= 0) {
                return;
            }
            try {
                // through one direct buffer of the spool: one copy to the kernel, no buffer of the
                // stream's own and no native buffer malloc'ed for each write
                int done = 0;
                while (done < len) {
                    int n = Math.min(len - done, direct.capacity());
                    direct.clear();
                    direct.put(b, off + done, n).flip();
                    while (direct.hasRemaining()) {
                        out.write(direct);
                    }
                    done += n;
                }
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

    /**
     * Starts the copy of one SQLite file of {@code size} bytes (the tar header's); null when it
     * cannot be made or there is no room for it (logged: the drill goes on without it).
     */
    synchronized Sink start(String snapshotPath, long size) {
        try {
            Path base = place(size, tmpfs, usable(tmpfs), tmpfs == null ? -1 : memAvailable(), stateDir, usable(stateDir));
            if (base == null) {
                log.accept(snapshotPath + ": SQLite database not checked: no room to copy its " + size
                        + " bytes aside (in " + tmpfs + " or " + stateDir + ", leaving " + (MARGIN >> 20) + " MiB free)");
                return null;
            }
            Path dir = dirs.get(base);
            if (dir == null) {
                Path d = base.resolve(ScratchJournal.PREFIX + "sqlite-" + ProcessHandle.current().pid() + "-"
                        + java.util.UUID.randomUUID().toString().substring(0, 6));
                journal.record(ScratchJournal.Kind.PATH, d.toString(), null, "drill");
                try {
                    // createDirectory, not createDirectories: fails when the name exists (tmpfs is shared)
                    Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (IOException | RuntimeException e) {
                    journal.clear(ScratchJournal.Kind.PATH, d.toString());
                    throw e;
                }
                dirs.put(base, d);
                dir = d;
            }
            if (workers == null) {
                workers = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "drill-sqlite");
                    t.setDaemon(true);
                    return t;
                });
            }
            Path f = dir.resolve("db-" + seq.incrementAndGet());
            if (direct == null) {
                direct = ByteBuffer.allocateDirect(1 << 20);
            }
            return new Sink(snapshotPath, f, FileChannel.open(f, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE));
        } catch (IOException | RuntimeException e) {
            log.accept(snapshotPath + ": SQLite database not checked: " + e.getMessage());
            return null;
        }
    }

    /**
     * Waits for the checks (started as each database's last byte was spooled), removes the scratch
     * folders and returns what the checks found. Safe to call more than once.
     */
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
            for (Path dir : dirs.values()) {
                try {
                    ScratchJournal.deleteTree(dir);
                    journal.clear(ScratchJournal.Kind.PATH, dir.toString());
                } catch (IOException | RuntimeException e) {
                    log.accept("could not remove " + dir + " (the next command tries again): " + e.getMessage());
                }
            }
            dirs.clear();
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
