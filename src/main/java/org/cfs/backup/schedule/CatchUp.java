package org.cfs.backup.schedule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.state.AtomicFiles;
import org.cfs.backup.state.RunRecord;

/**
 * Decides which jobs missed a run while the daemon was down. A job is due when its last scheduled
 * fire time (from its cron and the clock) is past, no run of it ended after that time, and the
 * daemon already knew the job with that cron then ({@code schedule.json} in the state dir), so a
 * fresh install or a changed cron does not fire everything at once. A made-up run is recorded in
 * the history like any run, which is what keeps it from being made up again at the next start.
 */
public final class CatchUp {
    /** A job to run at once, and the fire time it makes up for. */
    public record Due(String job, Instant missedFireTime) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final Clock clock;

    public CatchUp(Path stateDir, Clock clock) {
        this.file = stateDir.resolve("schedule.json");
        this.clock = clock;
    }

    public Path file() {
        return file;
    }

    /**
     * Registers the crons (remembering since when each is known) and returns the jobs that are due.
     *
     * @param crons job name to Quartz cron, for the jobs this daemon runs
     * @param history the run history, any order
     */
    public List<Due> due(Map<String, String> crons, List<RunRecord> history) {
        Instant now = clock.instant();
        Map<String, Known> known = read();
        Map<String, Known> updated = new LinkedHashMap<>(known);
        List<Due> due = new ArrayList<>();
        for (Map.Entry<String, String> e : crons.entrySet()) {
            String job = e.getKey();
            Known k = known.get(job);
            if (k == null || !Objects.equals(k.cron, e.getValue())) {
                updated.put(job, new Known(e.getValue(), now));
                continue;
            }
            Instant last = CronSchedule.previous(e.getValue(), now, k.since, clock.getZone());
            if (last == null) {
                continue;
            }
            boolean ranSince = history.stream().anyMatch(r -> job.equals(r.job()) && r.source() == null
                    && r.end() != null && !r.end().isBefore(last));
            if (!ranSince) {
                due.add(new Due(job, last));
            }
        }
        write(updated);
        return due;
    }

    private record Known(String cron, Instant since) {
    }

    private Map<String, Known> read() {
        Map<String, Known> out = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            JsonNode jobs = JSON.readTree(file.toFile()).path("jobs");
            jobs.fields().forEachRemaining(f -> {
                String cron = f.getValue().path("cron").asText(null);
                String since = f.getValue().path("since").asText(null);
                if (cron != null && since != null) {
                    out.put(f.getKey(), new Known(cron, Instant.parse(since)));
                }
            });
        } catch (IOException | RuntimeException e) {
            // a damaged file is treated as a first start: nothing is made up, the file is rewritten
            return new LinkedHashMap<>();
        }
        return out;
    }

    private void write(Map<String, Known> known) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode jobs = root.putObject("jobs");
        known.forEach((job, k) -> jobs.putObject(job).put("cron", k.cron).put("since", k.since.toString()));
        try {
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot write " + file + ": " + e.getMessage());
        }
    }
}
