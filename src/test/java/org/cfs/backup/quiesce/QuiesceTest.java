package org.cfs.backup.quiesce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cfs.backup.docker.Docker;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.FakeProcessRunner;
import org.cfs.backup.process.ProcessSpec;
import org.cfs.backup.state.QuiesceJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quiesce's bookkeeping with the Docker CLI replayed by a fake (the real engine: DowntimeIT). */
class QuiesceTest {
    @TempDir
    Path state;

    private static final Docker.Container A = new Docker.Container("id-a", "a", "running");
    private static final Docker.Container B = new Docker.Container("id-b", "b", "running");

    private static List<List<String>> commands(FakeProcessRunner f) {
        return f.calls().stream().map(ProcessSpec::command).toList();
    }

    @Test
    void aStopThatEndsBeforeItsTimeOutAsksNoExitCodeSoTheDowntimeHoldsNoInspect() {
        // issue 13: a docker inspect after every stop was a Docker CLI start-up inside the downtime
        FakeProcessRunner f = new FakeProcessRunner().on("id-a", 0, "id-a\n", "").on("start", 0, "", "");
        try (Quiesce q = Quiesce.begin(new Docker("docker", f, 10), new QuiesceJournal(state), new Cancellation(),
                List.of(A), Quiesce.Action.STOP, "vol", "backup", 10, l -> { })) {
            assertEquals(List.of(), q.killed());
        }
        assertEquals(List.of(List.of("docker", "stop", "-t", "10", "id-a"), List.of("docker", "start", "id-a")),
                commands(f));
    }

    @Test
    void stopsOneAfterAnotherWithTheTimeoutTellsAKillAndAlwaysStartsAndClears() {
        FakeProcessRunner f = new FakeProcessRunner()
                .on("id-a", 0, "id-a\n", "").on("id-a", 0, "137\n", "")
                .on("id-b", 0, "id-b\n", "").on("id-b", 0, "0\n", "")
                .on("start", 0, "", "");
        QuiesceJournal j = new QuiesceJournal(state);
        try (Quiesce q = Quiesce.begin(new Docker("docker", f, 10), j, new Cancellation(), List.of(A, B),
                Quiesce.Action.STOP, "vol", "backup", 0, l -> { })) {
            assertEquals(2, j.entries().size());
            assertEquals(0, j.entries().get(0).stopTimeoutS());
            assertEquals(List.of("a"), q.killed(), "exit 137 after the whole (0 s) time-out");
        }
        assertEquals(List.of(List.of("docker", "stop", "-t", "0", "id-a"),
                List.of("docker", "inspect", "--format", "{{.State.ExitCode}}", "id-a"),
                List.of("docker", "stop", "-t", "0", "id-b"),
                List.of("docker", "inspect", "--format", "{{.State.ExitCode}}", "id-b"),
                List.of("docker", "start", "id-a", "id-b")), commands(f));
        assertFalse(Files.exists(j.file()), "journal cleared");
    }

    @Test
    void aCancelBeforeTheNextStopStopsNothingMoreAndResumesWhatWasStopped() {
        Cancellation c = new Cancellation();
        FakeProcessRunner f = new FakeProcessRunner()
                .on("id-a", 0, "id-a\n", "").on("start", 0, "", "");
        org.cfs.backup.process.ProcessRunner cancelDuringStop = spec -> {
            if (spec.command().contains("stop")) {
                c.cancel(); // SIGTERM lands while the first container is stopping
            }
            return f.run(spec);
        };
        QuiesceJournal j = new QuiesceJournal(state);
        assertThrows(CancelledException.class, () -> Quiesce.begin(new Docker("docker", cancelDuringStop, 10), j, c, List.of(A, B),
                Quiesce.Action.STOP, "vol", "backup", 10, l -> { }));
        assertEquals(List.of(List.of("docker", "stop", "-t", "10", "id-a"),
                List.of("docker", "start", "id-a")), commands(f), "b never stopped, a started again");
        assertFalse(Files.exists(j.file()));
    }

    @Test
    void aFailedResumeKeepsTheJournalAndAHeldVolumeStaysStopped() {
        FakeProcessRunner f = new FakeProcessRunner().on("pause", 0, "", "").on("unpause", 1, "", "boom");
        QuiesceJournal j = new QuiesceJournal(state);
        Quiesce q = Quiesce.begin(new Docker("docker", f, 10), j, new Cancellation(), List.of(A),
                Quiesce.Action.PAUSE, "vol", "backup", 10, l -> { });
        q.close();
        assertTrue(q.resumeError().contains("boom"), q.resumeError());
        assertEquals(1, j.entries().size(), "the next command retries");

        FakeProcessRunner g = new FakeProcessRunner().on("stop", 0, "", "").on("inspect", 0, "0\n", "");
        QuiesceJournal k = new QuiesceJournal(state.resolve("k"));
        try {
            Files.createDirectories(state.resolve("k"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        try (Quiesce held = Quiesce.begin(new Docker("docker", g, 10), k, new Cancellation(), List.of(B),
                Quiesce.Action.STOP, "vol", "restore", 10, l -> { })) {
            held.keepQuiescedIf(() -> true, "the swap is unfinished");
        }
        assertEquals(1, k.entries().size());
        assertTrue(commands(g).stream().noneMatch(cmd -> cmd.contains("start")));
    }
}
