package org.cfs.backup.state;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;

/**
 * An append-only file of one JSON object per line (run history, quota samples): each append is
 * fsync'd, and a torn last line left by a crash is skipped on reading.
 */
public final class JsonLines<T> {
    public static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Path file;
    private final Class<T> type;
    private final String what;

    /** @param what names the file in error messages, e.g. "run history" */
    public JsonLines(Path file, Class<T> type, String what) {
        this.file = file;
        this.type = type;
        this.what = what;
    }

    public Path file() {
        return file;
    }

    public void append(T record) {
        try {
            AtomicFiles.appendLine(file, JSON.writeValueAsString(record));
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot write " + what + " " + file + ": " + e.getMessage());
        }
    }

    /** Every record, oldest first. */
    public List<T> all() {
        List<T> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(JSON.readValue(line, type));
                } catch (IOException e) {
                    // a torn line from a crash: skip it
                }
            }
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot read " + what + " " + file + ": " + e.getMessage());
        }
        return out;
    }
}
