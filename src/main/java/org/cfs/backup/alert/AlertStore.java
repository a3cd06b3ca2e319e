package org.cfs.backup.alert;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.cfs.backup.state.LockedJsonFile;
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

    private final LockedJsonFile<Entry> store;

    public AlertStore(Path stateDir) {
        this.store = new LockedJsonFile<>(stateDir.resolve("alerts.json"), stateDir.resolve("alerts.lock"),
                new LockedJsonFile.Codec<>() {
                    @Override
                    public List<Entry> decode(Path f) throws IOException {
                        Document d = JSON.readValue(f.toFile(), Document.class);
                        return d == null || d.alerts() == null ? List.of() : d.alerts();
                    }

                    @Override
                    public String encode(List<Entry> entries) throws IOException {
                        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(new Document(1, entries)) + "\n";
                    }
                },
                // a damaged file must not silence alerts for good: kept for a human, open alerts start afresh
                LockedJsonFile.OnCorrupt.MOVE_ASIDE, false, LOG);
    }

    public Path file() {
        return store.file();
    }

    public List<Entry> entries() throws IOException {
        return store.read();
    }

    /**
     * Applies {@code change} to the entries under the lock and writes them back atomically when
     * it changed them.
     *
     * @return what {@code change} returned
     */
    public <T> T update(Function<List<Entry>, T> change) throws IOException {
        return store.update(change);
    }
}
