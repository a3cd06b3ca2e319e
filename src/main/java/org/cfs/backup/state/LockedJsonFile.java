package org.cfs.backup.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A list of entries kept as one JSON file in the state dir, read, changed and written back under a
 * lock: the threads of this JVM take turns first (a kernel file lock belongs to the process), then
 * processes take turns through the kernel lock on a sibling lock file; the write is atomic (temp
 * file, fsync, rename). One way for the open alerts, the quiesce journal and the scratch journal.
 */
public final class LockedJsonFile<E> {
    /** One monitor per lock file in this JVM, so two instances on one file never overlap. */
    private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();

    /** How the entries become the file's text and back. */
    public interface Codec<E> {
        List<E> decode(Path file) throws IOException;

        String encode(List<E> entries) throws IOException;

        /** A plain JSON array of {@code E} (the journals' shape). */
        static <E> Codec<E> array(com.fasterxml.jackson.databind.ObjectMapper json, Class<E[]> type) {
            return new Codec<>() {
                @Override
                public List<E> decode(Path f) throws IOException {
                    return List.of(json.readValue(f.toFile(), type));
                }

                @Override
                public String encode(List<E> entries) throws IOException {
                    return json.writerWithDefaultPrettyPrinter().writeValueAsString(entries);
                }
            };
        }
    }

    /** What to do with a file that no longer parses. */
    public enum OnCorrupt {
        /** Refuse (a journal that lists stopped containers must not be dropped silently). */
        FAIL,
        /** Keep it as FILE.corrupt for a human and start afresh (open alerts must not be silenced for good). */
        MOVE_ASIDE
    }

    private final Path file;
    private final Path lockFile;
    private final Codec<E> codec;
    private final OnCorrupt onCorrupt;
    private final boolean deleteWhenEmpty;
    private final Logger log;

    public LockedJsonFile(Path file, Path lockFile, Codec<E> codec, OnCorrupt onCorrupt, boolean deleteWhenEmpty) {
        this(file, lockFile, codec, onCorrupt, deleteWhenEmpty, LoggerFactory.getLogger(LockedJsonFile.class));
    }

    /** @param log where a file moved aside is reported: the owner's logger, where an operator looks */
    public LockedJsonFile(Path file, Path lockFile, Codec<E> codec, OnCorrupt onCorrupt, boolean deleteWhenEmpty,
                          Logger log) {
        this.log = log;
        this.file = file;
        this.lockFile = lockFile.toAbsolutePath().normalize();
        this.codec = codec;
        this.onCorrupt = onCorrupt;
        this.deleteWhenEmpty = deleteWhenEmpty;
    }

    public Path file() {
        return file;
    }

    /** The entries as they are now (a copy). */
    public List<E> read() throws IOException {
        return locked(() -> List.copyOf(load()));
    }

    /**
     * Applies {@code change} to the entries under the lock and writes them back when it changed
     * them (an empty list removes the file when so configured).
     *
     * @return what {@code change} returned
     */
    public <T> T update(Function<List<E>, T> change) throws IOException {
        return locked(() -> {
            List<E> entries = load();
            List<E> before = List.copyOf(entries);
            T result = change.apply(entries);
            if (!before.equals(entries)) {
                if (entries.isEmpty() && deleteWhenEmpty) {
                    Files.deleteIfExists(file);
                } else {
                    AtomicFiles.write(file, codec.encode(entries));
                }
            }
            return result;
        });
    }

    /** As {@link #read}, failing the command (exit 1) with {@code what} and the file named. */
    public List<E> readOrFail(String what) {
        try {
            return new ArrayList<>(read());
        } catch (IOException e) {
            throw new org.cfs.backup.CfsException(org.cfs.backup.ExitCode.FAILED, what + " " + file + ": " + e.getMessage());
        }
    }

    /** As {@link #update}, for a change that returns nothing; failing the command (exit 1) with {@code what}. */
    public void changeOrFail(String what, java.util.function.Consumer<List<E>> change) {
        try {
            update(entries -> {
                change.accept(entries);
                return null;
            });
        } catch (IOException e) {
            throw new org.cfs.backup.CfsException(org.cfs.backup.ExitCode.FAILED, what + " " + file + ": " + e.getMessage());
        }
    }

    private interface Body<T> {
        T call() throws IOException;
    }

    private <T> T locked(Body<T> body) throws IOException {
        synchronized (MONITORS.computeIfAbsent(lockFile, k -> new Object())) {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock l = ch.lock()) {
                return body.call();
            }
        }
    }

    private List<E> load() throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) {
            return new ArrayList<>();
        }
        try {
            return new ArrayList<>(codec.decode(file));
        } catch (JsonProcessingException e) {
            if (onCorrupt == OnCorrupt.FAIL) {
                throw new IOException(file + " is unreadable (" + e.getOriginalMessage() + "): repair or move it aside", e);
            }
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            log.warn("{} was unreadable ({}); moved to {}, starting afresh", file, e.getOriginalMessage(), aside);
            return new ArrayList<>();
        }
    }
}
