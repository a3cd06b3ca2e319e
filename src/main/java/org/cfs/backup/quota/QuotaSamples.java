package org.cfs.backup.quota;

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
import org.cfs.backup.state.AtomicFiles;

/** The append-only quota samples ({@code quota.jsonl} in the state dir), the forecast's input. */
public final class QuotaSamples {
    static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Path file;

    public QuotaSamples(Path stateDir) {
        this.file = stateDir.resolve("quota.jsonl");
    }

    public Path file() {
        return file;
    }

    public void append(QuotaSample sample) {
        try {
            AtomicFiles.appendLine(file, JSON.writeValueAsString(sample));
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot write quota samples " + file + ": " + e.getMessage());
        }
    }

    /** Every sample, oldest first; a torn line (crash mid-write) is skipped. */
    public List<QuotaSample> all() {
        List<QuotaSample> out = new ArrayList<>();
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
                    out.add(JSON.readValue(line, QuotaSample.class));
                } catch (IOException e) {
                    // a torn line from a crash: skip it
                }
            }
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot read quota samples " + file + ": " + e.getMessage());
        }
        return out;
    }

    /** The newest sample, or null. */
    public QuotaSample last() {
        List<QuotaSample> all = all();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }
}
