package org.cfs.backup.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;

/**
 * One mutating operation at a time per state dir. The kernel's file lock dies with its process,
 * so a crash never leaves a stale lock; the file's text names the holder for the busy message.
 */
public final class OperationLock implements AutoCloseable {
    /**
     * Lock files this JVM holds. POSIX locks belong to the process, and closing any channel on the
     * file drops them all, so a second attempt from this JVM (the daemon running a job, a test)
     * must be refused before it opens the file at all.
     */
    private static final Map<Path, String> HELD_HERE = new ConcurrentHashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private OperationLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws CfsException with exit 4 naming the holder's pid and command when busy */
    public static OperationLock acquire(Path stateDir, String command) {
        return acquire(stateDir.resolve("lock"), command, "another cfs-backup operation holds");
    }

    /**
     * Takes the lock file {@code file} (e.g. the daemon's own {@code daemon.lock}).
     *
     * @param busy the start of the busy message, followed by the file and its holder
     */
    public static OperationLock acquire(Path lockFile, String command, String busy) {
        Path file = lockFile.toAbsolutePath().normalize();
        String text = "pid " + ProcessHandle.current().pid() + ", command " + command + ", since " + Instant.now();
        String heldBy = HELD_HERE.putIfAbsent(file, text);
        if (heldBy != null) {
            // not read from the file: opening and closing it here would drop this JVM's own lock
            throw new CfsException(ExitCode.BUSY, "busy: " + busy + " " + file + " (" + heldBy + ")");
        }
        try {
            Files.createDirectories(file.getParent());
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                HELD_HERE.remove(file);
                throw new CfsException(ExitCode.BUSY, "busy: " + busy + " " + file + " (" + holder(file) + ")");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new OperationLock(file, ch, l);
        } catch (IOException e) {
            HELD_HERE.remove(file);
            throw new CfsException(ExitCode.FAILED, "cannot take the lock " + file + ": " + e.getMessage());
        }
    }

    /**
     * Who holds the lock file now ("pid N, command C, since T"), or null when nobody does. Safe to
     * call from the JVM that holds it (the daemon, the web console): that one is answered from
     * memory, since reading the file here would close a descriptor and drop this JVM's own lock.
     */
    public static String currentHolder(Path lockFile) {
        Path file = lockFile.toAbsolutePath().normalize();
        String here = HELD_HERE.get(file);
        if (here != null) {
            return here;
        }
        if (!Files.exists(file)) {
            return null;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe = ch.tryLock();
            if (probe != null) {
                probe.release();
                return null; // nobody holds it: the text is a leftover
            }
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            return null;
        }
        return holder(file);
    }

    private static String holder(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? "holder unknown" : text;
        } catch (IOException e) {
            return "holder unknown";
        }
    }

    @Override
    public void close() {
        try {
            channel.truncate(0);
            lock.release();
            channel.close();
        } catch (IOException e) {
            // closing the channel releases the lock in any case
        } finally {
            HELD_HERE.remove(file);
        }
    }
}
