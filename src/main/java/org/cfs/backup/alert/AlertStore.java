package org.cfs.backup.alert;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.cfs.backup.state.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open conditions in {@code state-dir/alerts.json}, so that de-duplication survives restarts
 * and is shared by the daemon and CLI commands. Every read-modify-write holds a file lock
 * ({@code alerts.lock}) across processes and the instance's monitor within one process (a JVM
 * cannot hold two locks on one file).
 */
public final class AlertStore {
    private static final Logger LOG = LoggerFactory.getLogger(AlertStore.class);
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /**
     * One open condition as stored.
     *
     * @param undelivered ids of the channels that could not be told it opened; the next raise of the
     *                    same key tries them again
     */
    public record Entry(String key, Alerts.Severity severity, String title, String message, Instant since,
                        Instant updated, List<String> undelivered) {
        public Entry {
            undelivered = undelivered == null ? List.of() : List.copyOf(undelivered);
        }

        Alerts.OpenAlert toOpenAlert() {
            return new Alerts.OpenAlert(key, severity, title, message, since);
        }
    }

    /** The file's shape: an object, so that fields can be added later. */
    record Document(int version, List<Entry> alerts) {
    }

    private final Path file;
    private final Path lockFile;

    public AlertStore(Path stateDir) {
        this.file = stateDir.resolve("alerts.json");
        this.lockFile = stateDir.resolve("alerts.lock");
    }

    public Path file() {
        return file;
    }

    public List<Entry> entries() throws IOException {
        return locked(() -> List.copyOf(read()));
    }

    /**
     * Applies {@code change} to the entries under the lock and writes them back atomically when
     * it changed them.
     *
     * @return what {@code change} returned
     */
    public <T> T update(Function<List<Entry>, T> change) throws IOException {
        return locked(() -> {
            List<Entry> entries = read();
            List<Entry> before = List.copyOf(entries);
            T result = change.apply(entries);
            if (!before.equals(entries)) {
                AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(new Document(1, entries)) + "\n");
            }
            return result;
        });
    }

    private interface Locked<T> {
        T call() throws IOException;
    }

    private synchronized <T> T locked(Locked<T> body) throws IOException {
        Files.createDirectories(file.getParent());
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock l = ch.lock()) {
            return body.call();
        }
    }

    private List<Entry> read() throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) {
            return new ArrayList<>();
        }
        Document d;
        try {
            d = JSON.readValue(file.toFile(), Document.class);
        } catch (JsonProcessingException e) {
            // a damaged file must not silence alerts for good: keep it for a human, start afresh
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.warn("alerts: {} was unreadable ({}); moved to {}, open alerts start afresh", file,
                    e.getOriginalMessage(), aside);
            return new ArrayList<>();
        }
        return d == null || d.alerts() == null ? new ArrayList<>() : new ArrayList<>(d.alerts());
    }
}
