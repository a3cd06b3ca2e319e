package org.cfs.backup.restic;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;

/**
 * Reads what restic 0.14 prints: its JSON documents and lines, and the few plain-text lines cfs-backup
 * needs. Pure functions of text; recorded outputs and their parsed forms are golden files
 * ({@code ResticOutputGoldenTest}). {@code restic backup --json} has its own stateful {@link BackupParser}.
 */
public final class ResticOutput {
    private ResticOutput() {
    }

    public static List<Snapshot> parseSnapshots(String json) {
        try {
            JsonNode node = Restic.JSON.readTree(json);
            if (node == null || node.isNull() || node.isMissingNode()) {
                return List.of();
            }
            return List.of(Restic.JSON.treeToValue(node, Snapshot[].class));
        } catch (JsonProcessingException e) {
            throw new CfsException(ExitCode.FAILED, "cannot parse restic snapshots output: " + e.getOriginalMessage());
        }
    }

    /** The first line that holds a JSON document (restic 0.14 may append plain text after it); "null" when none. */
    static String firstJsonLine(String stdout) {
        for (String line : stdout.split("\n")) {
            String t = line.strip();
            if (t.startsWith("[") || t.startsWith("{")) {
                return t;
            }
        }
        return "null";
    }

    /** Parses one line of {@code ls --json}; the leading snapshot line (and anything else) gives null. */
    public static Restic.LsNode parseLsLine(String line) {
        if (line == null || line.isBlank() || !line.contains("\"struct_type\":\"node\"")) {
            return null;
        }
        try {
            return Restic.JSON.readValue(line, Restic.LsNode.class);
        } catch (JsonProcessingException e) {
            throw new CfsException(ExitCode.FAILED, "cannot parse restic ls output: " + e.getOriginalMessage());
        }
    }

    /** The snapshot line that {@code ls --json} prints first; null for any other line. */
    static Snapshot parseLsSnapshotLine(String line) {
        if (line == null || !line.contains("\"struct_type\":\"snapshot\"")) {
            return null;
        }
        try {
            return Restic.JSON.readValue(line, Snapshot.class);
        } catch (JsonProcessingException e) {
            throw new CfsException(ExitCode.FAILED, "cannot parse restic ls output: " + e.getOriginalMessage());
        }
    }

    /** {@code stats --json --mode restore-size}: total_size, -1 when absent. */
    static long parseRestoreSize(String stdout) {
        try {
            return Restic.JSON.readTree(firstJsonLine(stdout)).path("total_size").asLong(-1);
        } catch (JsonProcessingException e) {
            throw new CfsException(ExitCode.FAILED, "cannot parse restic stats output: " + e.getOriginalMessage());
        }
    }

    /** {@code list locks}: one id a line. */
    static List<String> parseLockIds(String stdout) {
        return stdout.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** The JSON document of {@code find --json} (one array of {snapshot, matches[]}). */
    static JsonNode parseFind(String stdout) {
        try {
            JsonNode n = Restic.JSON.readTree(firstJsonLine(stdout));
            return n == null ? Restic.JSON.createArrayNode() : n;
        } catch (JsonProcessingException e) {
            throw new CfsException(ExitCode.FAILED, "cannot parse restic find output: " + e.getOriginalMessage());
        }
    }

    /** One line of {@code diff --json} (messages "change" and "statistics"); null for a line that is not JSON. */
    static JsonNode parseDiffLine(String line) {
        String t = line.strip();
        if (!t.startsWith("{")) {
            return null;
        }
        try {
            return Restic.JSON.readTree(t);
        } catch (JsonProcessingException e) {
            throw new CfsException(ExitCode.FAILED, "cannot parse restic diff output: " + e.getOriginalMessage());
        }
    }

    private static final Pattern RESTORING = Pattern.compile("(?m)^restoring <Snapshot ([0-9a-f]{8,64}) ");

    /** The id (short) of the snapshot a {@code restic restore} restored, from its "restoring <Snapshot ID ...>" line. */
    static String parseRestoredSnapshot(String stdout) {
        Matcher m = RESTORING.matcher(stdout);
        if (!m.find()) {
            throw new CfsException(ExitCode.FAILED, "restic restore did not name the snapshot it restored");
        }
        return m.group(1);
    }

    /**
     * restic 0.14's status line of a counter ({@code check}, {@code prune} with
     * {@code RESTIC_PROGRESS_FPS}): {@code [0:01] 62.50%  5 / 8 packs} or, without a known total,
     * {@code [0:01]          5 snapshots}. Null for any other line.
     */
    public static ResticProgress parseStatusLine(String line) {
        Matcher m = STATUS.matcher(line);
        if (!m.matches()) {
            return null;
        }
        long h = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
        long seconds = h * 3600 + Long.parseLong(m.group(2)) * 60 + Long.parseLong(m.group(3));
        if (m.group(4) != null) {
            return new ResticProgress(m.group(7), Long.parseLong(m.group(5)), Long.parseLong(m.group(6)),
                    java.time.Duration.ofSeconds(seconds));
        }
        return new ResticProgress(m.group(9), Long.parseLong(m.group(8)), -1, java.time.Duration.ofSeconds(seconds));
    }

    private static final Pattern STATUS = Pattern.compile(
            "^\\[(?:(\\d+):)?(\\d+):(\\d\\d)\\] +(?:(\\d+\\.\\d\\d)% +(\\d+) / (\\d+) (.+?)|(\\d+) (.+?))\\s*$");
}
