package org.cfs.backup.restic;

import static org.cfs.backup.process.FakeProcessRunner.resource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.cfs.backup.process.FakeProcessRunner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Recorded restic 0.14 outputs (src/test/resources/restic/, recorded with the real restic) replayed
 * through the hand-written {@link FakeProcessRunner} into {@link Restic}'s calls; what they parse to is
 * compared, as JSON, with {@code golden/restic/NAME.parsed.json} (regenerate: see {@link Golden}).
 */
class ResticOutputGoldenTest {
    private static final ObjectMapper OUT = JsonMapper.builder().addModule(new JavaTimeModule())
            .enable(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.INDENT_OUTPUT).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private static Restic replaying(String word, int exit, String stdoutResource, String stderrResource) {
        FakeProcessRunner fake = new FakeProcessRunner()
                .on(word, exit, stdoutResource == null ? "" : resource(stdoutResource),
                        stderrResource == null ? "" : resource(stderrResource))
                .on("version", 0, resource("restic/version-0.14.txt"), "");
        return new Restic(new ResticSettings("restic", "/srv/repo", Path.of("/etc/cfs/pw"), null, null, null,
                List.of()), fake);
    }

    private static BackupRequest request() {
        return new BackupRequest("h1", List.of("t1"), List.of("/x"), List.of(), null, null, false);
    }

    static Map<String, Callable<Object>> cases() {
        Map<String, Callable<Object>> c = new LinkedHashMap<>();
        c.put("version", () -> replaying("version", 0, "restic/version-0.14.txt", null).version());
        c.put("snapshots", () -> replaying("snapshots", 0, "restic/snapshots.json", null).snapshots("h1", List.of("t1")));
        // restic 0.14 after `tag --remove cfs-pass1`: the rewritten snapshot names its original
        c.put("snapshots-retagged", () -> replaying("snapshots", 0, "restic/snapshots-retagged.json", null)
                .snapshotsNoLock("vm", List.of("a")));
        c.put("snapshots-empty", () -> replaying("snapshots", 0, "restic/snapshots-empty.json", null)
                .snapshotsNoLock(null, null));
        c.put("backup-ok", () -> {
            List<BackupStatus> statuses = new ArrayList<>();
            Restic.BackupOutcome o = replaying("backup", 0, "restic/backup-ok.stdout.jsonl", null)
                    .backup(request(), statuses::add, null);
            return Map.of("outcome", o, "status_lines", statuses.size(), "last_status", statuses.get(statuses.size() - 1));
        });
        c.put("backup-exit3", () -> {
            Restic.BackupOutcome o = replaying("backup", 3, "restic/backup-exit3.stdout.jsonl",
                    "restic/backup-exit3.stderr.txt").backup(request(), s -> { }, null);
            return Map.of("outcome", o, "errors", o.errors().stream().map(BackupError::describe).toList());
        });
        c.put("ls", () -> {
            List<Restic.LsNode> nodes = new ArrayList<>();
            replaying("ls", 0, "restic/ls-src.jsonl", null).ls("abc", List.of("/tmp/rprobe/src"), nodes::add);
            return nodes;
        });
        c.put("ls-latest", () -> {
            List<Object> chosen = new ArrayList<>();
            List<Restic.LsNode> nodes = new ArrayList<>();
            replaying("ls", 0, "restic/ls-latest.stdout", null).lsLatest("h1", "t1", "/src", chosen::add, nodes::add);
            return Map.of("chosen", chosen, "nodes", nodes);
        });
        c.put("ls-folder", () -> {
            List<Restic.LsNode> nodes = new ArrayList<>();
            replaying("ls", 0, "restic/ls-folder.stdout", null).lsFolder("4303f45f", "/src/sub", nodes::add);
            return nodes;
        });
        c.put("find", () -> replaying("find", 0, "restic/find.stdout", null).find("h1", List.of("t1"), "b*"));
        c.put("diff", () -> {
            List<Object> messages = new ArrayList<>();
            replaying("diff", 0, "restic/diff.stdout", null).diff("004261fe", "4303f45f", messages::add);
            return messages;
        });
        c.put("stats-restore-size", () -> replaying("stats", 0, "restic/stats.stdout", null).restoreSize("4303f45f"));
        c.put("restore-latest", () -> replaying("restore", 0, "restic/restore-latest.stdout", null)
                .restoreLatest("h1", "t1", "/tmp/rprobe/src", "/tmp/x/rec/rt"));
        c.put("list-locks", () -> replaying("list", 0, "restic/locks.stdout", null).locks());
        c.put("forget-policy", () -> OUT.readTree(replaying("forget", 0, "restic/forget.stdout", null)
                .forgetPolicy("h1", "t1", List.of("--keep-last", "1"), true)));
        c.put("check-progress", () -> {
            List<ResticProgress> steps = new ArrayList<>();
            var r = replaying("check", 0, "restic/check-progress.stdout", null).check("100%", steps::add);
            return Map.of("exit", r.exitCode(), "stdout_kept", r.stdout().lines().toList(), "steps", steps.size(),
                    "first", steps.get(0), "last", steps.get(steps.size() - 1));
        });
        c.put("check-damaged", () -> {
            var r = replaying("check", 1, "restic/check-damaged.stdout", "restic/check-damaged.stderr").check(null);
            return Map.of("exit", r.exitCode(), "stdout", r.stdout().lines().toList(),
                    "stderr_tail", r.stderrTail().lines().toList());
        });
        c.put("prune-progress", () -> {
            List<ResticProgress> steps = new ArrayList<>();
            String report = replaying("prune", 0, "restic/prune-progress.stdout", null).prune(false, steps::add);
            return Map.of("report", report.lines().toList(), "steps", steps);
        });
        c.put("dump-bytes", () -> {
            List<ResticProgress> steps = new ArrayList<>();
            long[] read = new long[1];
            var r = replaying("dump", 0, "restic/ls-src.jsonl", null).dump("abc", "/x",
                    in -> read[0] = in.transferTo(java.io.OutputStream.nullOutputStream()), steps::add);
            ResticProgress last = steps.get(steps.size() - 1);
            return Map.of("exit", r.exitCode(), "read", read[0], "last_done", last.done(), "last_total", last.total(),
                    "unit", last.unit());
        });
        return c;
    }

    @TestFactory
    Stream<DynamicTest> everyRecordedOutputParsesToItsGoldenFile() {
        return cases().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () ->
                Golden.check(e.getKey() + ".parsed.json", OUT.writeValueAsString(e.getValue().call()) + "\n")));
    }

    @Test
    void noGoldenFileIsLeftWithoutACase() {
        Golden.noStaleFiles(".parsed.json", cases().keySet());
    }
}
