package org.cfs.backup.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run history survives restarts and a torn last line. */
class RunHistoryTest {
    @TempDir
    Path state;

    @Test
    void appendsAndReadsBackSkippingATornLine() throws Exception {
        RunHistory h = new RunHistory(state);
        h.append(new RunRecord("backup", "a", Instant.EPOCH, Instant.EPOCH.plusSeconds(5), "ok", "abcd1234",
                Map.of("downtime_s", 1.5), null));
        Files.writeString(state.resolve("history.jsonl"), "{\"job\":\"back", StandardOpenOption.APPEND);
        RunHistory again = new RunHistory(state);
        assertEquals(1, again.all().size());
        assertEquals("abcd1234", again.all().get(0).snapshotId());
        assertEquals(1.5, again.all().get(0).figures().get("downtime_s"));
    }
}
