package org.cfs.backup.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.cfs.backup.config.Config;
import org.cfs.backup.config.ConfigLoader;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.process.ProcessSpec;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticSettings;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.RunHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming drill on recorded restic output (snapshots, ls --json, a real dump tar) replayed by
 * a hand-written fake runner: passes as recorded, fails naming entries when the tar lacks or adds one.
 */
class DrillStreamTest {
    @TempDir
    Path tmp;

    static byte[] resource(String name) throws IOException {
        try (InputStream in = DrillStreamTest.class.getResourceAsStream("/restic/" + name)) {
            return in.readAllBytes();
        }
    }

    /** Replays recorded output per restic subcommand. */
    static final class Replay implements ProcessRunner {
        final List<List<String>> calls = java.util.Collections.synchronizedList(new ArrayList<>());
        byte[] tar;
        /** When set, restic's own "latest" (ls latest) chose a pre-restore snapshot. */
        boolean latestIsPreRestore;

        @Override
        public ProcessResult run(ProcessSpec spec) {
            calls.add(spec.command());
            List<String> c = spec.command();
            try {
                if (c.contains("snapshots")) {
                    return new ProcessResult(0, new String(resource("snapshots-restore.json"), StandardCharsets.UTF_8), "", Duration.ZERO, false);
                }
                if (c.contains("ls")) {
                    for (String line : new String(resource("ls-src.jsonl"), StandardCharsets.UTF_8).split("\n")) {
                        if (latestIsPreRestore && c.contains("latest")) {
                            line = line.replace("\"tags\":[\"s1\"]", "\"tags\":[\"s1\",\"pre-restore\"]");
                        }
                        spec.stdoutLines().accept(line);
                    }
                    return new ProcessResult(0, "", "", Duration.ZERO, false);
                }
                if (c.contains("dump")) {
                    spec.stdoutStream().accept(new ByteArrayInputStream(tar));
                    return new ProcessResult(0, "", "", Duration.ZERO, false);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            throw new AssertionError("unexpected " + c);
        }
    }

    private DrillReport drill(Replay runner) throws IOException {
        return drill(runner, "/nonexistent-cfs-drill-test/src");
    }

    private DrillReport drill(Replay runner, String sourcePath) throws IOException {
        Files.writeString(tmp.resolve("pw"), "x");
        Path cfg = tmp.resolve("c.yaml");
        Files.writeString(cfg, """
                host: h
                repository: {url: %s/repo, password-file: %s/pw}
                state-dir: %s/state
                log-dir: %s/log
                sources:
                  - {name: s1, path: %s}
                """.formatted(tmp, tmp, tmp, tmp, sourcePath));
        Config c = new ConfigLoader().load(cfg);
        Restic restic = new Restic(new ResticSettings("restic", c.repository().url(), tmp.resolve("pw"), null, null, null,
                List.of()), runner);
        return new DrillOperation(c, restic, null, new Cancellation(), new RunHistory(c.stateDir()),
                new AuditLog(c.logDir()), l -> { }, runner).run(c.sources(), false);
    }

    @Test
    void recordedSnapshotPasses() throws IOException {
        Replay r = new Replay();
        r.tar = resource("dump-src.tar");
        DrillReport rep = drill(r);
        assertTrue(rep.passed(), rep.toString());
        SourceDrill s = rep.sources().get(0);
        assertEquals("9d2d078f", s.snapshotId());
        assertEquals(4, s.filesVerified(), s.toString()); // a.txt, hard (a hard link, full content in the tar), sub/b, sub/deep/z
        assertEquals(6 + 6 + 2 + 2, s.bytesVerified());
        assertTrue(r.calls.stream().anyMatch(c -> c.contains("dump") && c.contains("/tmp/rprobe/src")), r.calls.toString());
    }

    @Test
    void aTruncatedStreamFailsNamingTheMissingFiles() throws IOException {
        Replay r = new Replay();
        byte[] tar = resource("dump-src.tar");
        r.tar = java.util.Arrays.copyOf(tar, 2048); // the first entries only, then the stream ends
        DrillReport rep = drill(r);
        assertFalse(rep.passed());
        String problems = rep.sources().get(0).problems().toString();
        assertTrue(problems.contains("missing from the restored data"), problems);
        assertTrue(problems.contains("/tmp/rprobe/src/sub/deep/z"), problems);
    }

    @Test
    void resticsOwnLatestIsUsedWithoutASnapshotsCall() throws IOException {
        Replay r = new Replay();
        r.tar = resource("dump-src.tar");
        DrillReport rep = drill(r, "/tmp/rprobe/src");
        assertTrue(rep.passed(), rep.toString());
        assertEquals("9d2d078f", rep.sources().get(0).snapshotId());
        assertEquals(4, rep.sources().get(0).filesVerified());
        assertFalse(r.calls.stream().anyMatch(c -> c.contains("snapshots")), r.calls.toString());
        assertTrue(r.calls.stream().anyMatch(c -> c.contains("dump") && c.contains("latest") && c.contains("--tag")
                && c.contains("s1") && c.contains("--host") && c.contains("h")), r.calls.toString());
    }

    @Test
    void aPreRestoreLatestFallsBackToTheSnapshotList() throws IOException {
        Replay r = new Replay();
        r.tar = resource("dump-src.tar");
        r.latestIsPreRestore = true;
        DrillReport rep = drill(r, "/tmp/rprobe/src");
        assertTrue(rep.passed(), rep.toString());
        assertEquals("9d2d078f", rep.sources().get(0).snapshotId());
        assertTrue(r.calls.stream().anyMatch(c -> c.contains("snapshots")), r.calls.toString());
        assertTrue(r.calls.stream().anyMatch(c -> c.contains("dump") && c.contains(
                "9d2d078f1a402a5b4521bdadb26ea331aef6402993e327f81da10c9c8ab35ac9")), r.calls.toString());
    }

    @Test
    void theTarIsReadAheadOfALateListingAndStillCheckedAgainstIt() throws Exception {
        java.util.concurrent.CompletableFuture<ListingIndex> listing = new java.util.concurrent.CompletableFuture<>();
        Problems problems = new Problems();
        TarVerifier v = new TarVerifier(listing, "/tmp/rprobe/src", null, problems, null);
        Thread lister = new Thread(() -> {
            try {
                Thread.sleep(200); // the listing completes while (or after) the tar is read
                ListingIndex index = new ListingIndex();
                for (String line : new String(resource("ls-src.jsonl"), StandardCharsets.UTF_8).split("\n")) {
                    Restic.LsNode n = Restic.parseLsLine(line);
                    // one listed file is left out: the check against the listing must still see it
                    if (n != null && n.path().startsWith("/tmp/rprobe/src/") && !n.path().endsWith("/sub/b")) {
                        index.put(n.path(), ListingIndex.type(n.type()), n.size(), n.mtimeNanos());
                    }
                }
                listing.complete(index);
            } catch (Exception e) {
                listing.completeExceptionally(e);
            }
        });
        lister.start();
        v.read(new ByteArrayInputStream(resource("dump-src.tar")));
        lister.join();
        assertEquals(3, v.files, problems.list().toString());
        assertTrue(problems.list().toString().contains("/tmp/rprobe/src/sub/b: in the dump but not in the snapshot's listing"),
                problems.list().toString());
    }

    @Test
    void aFailedListingStopsTheReadingWithoutAProblemOfItsOwn() throws Exception {
        java.util.concurrent.CompletableFuture<ListingIndex> listing = new java.util.concurrent.CompletableFuture<>();
        listing.completeExceptionally(new IllegalStateException("ls failed"));
        Problems problems = new Problems();
        TarVerifier v = new TarVerifier(listing, "/tmp/rprobe/src", null, problems, null);
        v.read(new ByteArrayInputStream(resource("dump-src.tar")));
        assertTrue(v.listingFailed);
        assertEquals(0, v.files);
        assertTrue(problems.isEmpty(), problems.list().toString());
    }
}
