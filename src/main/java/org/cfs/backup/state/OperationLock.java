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

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;

/**
 * One mutating operation at a time per state dir. The kernel's file lock dies with its process,
 * so a crash never leaves a stale lock; the file's text names the holder for the busy message.
 */
public final class OperationLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private OperationLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws CfsException with exit 4 naming the holder's pid and command when busy */
    public static OperationLock acquire(Path stateDir, String command) {
        Path file = stateDir.resolve("lock");
        try {
            Files.createDirectories(stateDir);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                l = null; // held by this very JVM (the daemon running a job, or a test)
            }
            if (l == null) {
                String holder = Files.readString(file).strip();
                ch.close();
                throw new CfsException(ExitCode.BUSY, "busy: another cfs-backup operation holds " + file
                        + (holder.isEmpty() ? "" : " (" + holder + ")"));
            }
            String text = "pid " + ProcessHandle.current().pid() + ", command " + command + ", since " + Instant.now();
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new OperationLock(ch, l);
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot take the lock " + file + ": " + e.getMessage());
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
        }
    }
}
