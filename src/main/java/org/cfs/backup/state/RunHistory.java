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

/** The append-only run history ({@code history.jsonl} in the state dir) that survives restarts. */
public final class RunHistory {
    static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Path file;

    public RunHistory(Path stateDir) {
        this.file = stateDir.resolve("history.jsonl");
    }

    public void append(RunRecord record) {
        try {
            AtomicFiles.appendLine(file, JSON.writeValueAsString(record));
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot write run history " + file + ": " + e.getMessage());
        }
    }

    /** Every record, oldest first; a torn last line (crash mid-write) is skipped. */
    public List<RunRecord> all() {
        List<RunRecord> out = new ArrayList<>();
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
                    out.add(JSON.readValue(line, RunRecord.class));
                } catch (IOException e) {
                    // a torn line from a crash: skip it
                }
            }
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot read run history " + file + ": " + e.getMessage());
        }
        return out;
    }
}
