package org.cfs.backup.schedule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.state.AtomicFiles;

/**
 * The rotating {@code --read-data-subset n/N} of the scheduled check, so that every pack is read
 * once every N checks. The counter lives in {@code check-rotation.json} in the state dir and only
 * moves on after a check that passed.
 */
public final class CheckRotation {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public CheckRotation(Path stateDir) {
        this.file = stateDir.resolve("check-rotation.json");
    }

    /** The subset the next check reads, as {@code n/N} (1-based). */
    public String current(int of) {
        return current0(of) + "/" + of;
    }

    private int current0(int of) {
        if (!Files.exists(file)) {
            return 1;
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            int next = n.path("next").asInt(1);
            // a changed N starts the round again
            return n.path("of").asInt(-1) != of || next < 1 || next > of ? 1 : next;
        } catch (IOException e) {
            return 1;
        }
    }

    /** Moves to the next subset, wrapping after N. */
    public void advance(int of) throws IOException {
        int next = current0(of) % of + 1;
        AtomicFiles.write(file, JSON.createObjectNode().put("next", next).put("of", of).toString() + "\n");
    }
}
