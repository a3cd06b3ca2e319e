package org.cfs.backup.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one locked read-modify-write of the state dir's JSON files (alerts, quiesce and scratch journals). */
class LockedJsonFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private LockedJsonFile<String> file(LockedJsonFile.OnCorrupt onCorrupt) {
        return new LockedJsonFile<>(dir.resolve("list.json"), dir.resolve("list.lock"), new LockedJsonFile.Codec<>() {
            @Override
            public List<String> decode(Path f) throws IOException {
                return List.of(JSON.readValue(f.toFile(), String[].class));
            }

            @Override
            public String encode(List<String> entries) throws IOException {
                return JSON.writeValueAsString(entries);
            }
        }, onCorrupt, true);
    }

    /** Regression: of the two copies, only one was synchronized; two instances on one file lost updates. */
    @Test
    void twoInstancesOnOneFileFromManyThreadsLoseNoUpdate() throws Exception {
        LockedJsonFile<String> a = file(LockedJsonFile.OnCorrupt.FAIL);
        LockedJsonFile<String> b = file(LockedJsonFile.OnCorrupt.FAIL);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            LockedJsonFile<String> f = t % 2 == 0 ? a : b;
            int id = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 25; i++) {
                    try {
                        f.update(entries -> entries.add(id + "-" + entries.size()));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(200, a.read().size());
        a.update(entries -> {
            entries.clear();
            return null;
        });
        assertFalse(Files.exists(dir.resolve("list.json")), "an empty journal leaves no file");
    }

    @Test
    void aCorruptFileFailsOrIsMovedAside() throws Exception {
        Files.writeString(dir.resolve("list.json"), "[not json");
        IOException e = assertThrows(IOException.class, () -> file(LockedJsonFile.OnCorrupt.FAIL).read());
        assertTrue(e.getMessage().contains("unreadable"), e.getMessage());
        assertEquals("[not json", Files.readString(dir.resolve("list.json")), "a journal is never dropped");
        assertEquals(List.of(), file(LockedJsonFile.OnCorrupt.MOVE_ASIDE).read());
        assertEquals("[not json", Files.readString(dir.resolve("list.json.corrupt")));
    }
}
