package org.cfs.backup.quiesce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.process.FakeProcessRunner;
import org.cfs.backup.state.QuiesceJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's bookkeeping and its reconciliation rules (the Docker CLI replayed by a fake). */
class QuiesceReconcileTest {
    @TempDir
    Path state;

    @Test
    void recordAndClearOwnEntries() {
        QuiesceJournal j = new QuiesceJournal(state);
        j.record(List.of(new Docker.Container("c1", "webui", "running")), "stop", "vol", "backup");
        assertEquals(1, j.entries().size());
        assertEquals(ProcessHandle.current().pid(), j.entries().get(0).pid());
        j.clear(List.of("c1"));
        assertTrue(j.entries().isEmpty());
        assertFalse(Files.exists(j.file()));
    }

    @Test
    void reconcileStartsWhatADeadOwnerLeftStoppedAndLeavesLiveOwnersAlone() throws Exception {
        long deadPid = deadPid();
        List<QuiesceJournal.Entry> entries = List.of(
                new QuiesceJournal.Entry(deadPid, Instant.now(), "backup", "c-dead", "webui", "stop", "v", Instant.now()),
                new QuiesceJournal.Entry(deadPid, Instant.now(), "backup", "c-paused", "db", "pause", "v", Instant.now()),
                new QuiesceJournal.Entry(ProcessHandle.current().pid(),
                        ProcessHandle.current().info().startInstant().orElse(null), "backup", "c-live", "live", "stop",
                        "v", Instant.now()));
        Files.writeString(state.resolve("quiesce-journal.json"), JsonMapper.builder().addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build().writeValueAsString(entries));
        FakeProcessRunner docker = new FakeProcessRunner()
                .on("c-dead", 0, "exited\n", "")
                .on("start", 0, "c-dead\n", "")
                .on("c-paused", 0, "paused\n", "")
                .on("unpause", 0, "c-paused\n", "");
        List<String> log = new ArrayList<>();
        QuiesceJournal j = new QuiesceJournal(state);
        List<QuiesceJournal.Entry> handled = QuiesceReconcile.reconcile(j, new Docker(docker), log::add);
        assertEquals(2, handled.size());
        assertEquals(List.of("c-live"), j.entries().stream().map(QuiesceJournal.Entry::container).toList());
        assertTrue(docker.calls().stream().anyMatch(c -> c.command().equals(List.of("docker", "start", "c-dead"))));
        assertTrue(docker.calls().stream().anyMatch(c -> c.command().equals(List.of("docker", "unpause", "c-paused"))));
        assertTrue(docker.calls().stream().noneMatch(c -> c.command().contains("c-live")));
        assertEquals(2, log.size());
    }

    @Test
    void aReusedPidWithAnotherStartTimeIsNotTheOwner() {
        QuiesceJournal.Entry e = new QuiesceJournal.Entry(ProcessHandle.current().pid(), Instant.EPOCH, "backup", "c",
                "n", "stop", "v", Instant.now());
        assertFalse(QuiesceJournal.ownerAlive(e));
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
