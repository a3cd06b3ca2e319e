package org.cfs.backup.docker;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.process.ProcessSpec;

/** The Docker engine through the {@code docker} CLI: volumes, the containers using them, stop/start/pause. */
public final class Docker {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String binary;
    private final ProcessRunner runner;
    private final int stopTimeoutSeconds;

    public Docker(String binary, ProcessRunner runner, int stopTimeoutSeconds) {
        this.binary = binary;
        this.runner = runner;
        this.stopTimeoutSeconds = stopTimeoutSeconds;
    }

    public Docker(ProcessRunner runner) {
        this("docker", runner, 30);
    }

    /** A named volume as the engine reports it. */
    public record Volume(String name, String driver, String mountpoint) {
    }

    /** A container and its state ({@code running}, {@code paused}, {@code exited}, ...). */
    public record Container(String id, String name, String state) {
        public boolean running() {
            return "running".equals(state);
        }

        public boolean paused() {
            return "paused".equals(state);
        }
    }

    private ProcessResult docker(String action, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.addAll(List.of(args));
        ProcessResult r = runner.run(ProcessSpec.of(cmd).survivesCancel().build());
        if (!r.ok()) {
            String tail = r.stderrTail().strip();
            throw new CfsException(ExitCode.FAILED, action + " failed: " + (tail.isEmpty() ? "docker exit " + r.exitCode() : tail));
        }
        return r;
    }

    /** @throws CfsException naming the volume when it does not exist or is not a local-driver volume */
    public Volume volume(String name) {
        ProcessResult r = runner.run(ProcessSpec.of(binary, "volume", "inspect", "--format", "{{json .}}", name).survivesCancel().build());
        if (!r.ok()) {
            String tail = r.stderrTail();
            if (tail.contains("no such volume") || tail.contains("No such volume")) {
                throw new CfsException(ExitCode.FAILED, "Docker volume '" + name + "' does not exist");
            }
            throw new CfsException(ExitCode.FAILED, "cannot inspect Docker volume '" + name + "': " + tail.strip());
        }
        try {
            JsonNode n = JSON.readTree(r.stdout());
            Volume v = new Volume(n.path("Name").asText(), n.path("Driver").asText(), n.path("Mountpoint").asText());
            if (!"local".equals(v.driver())) {
                throw new CfsException(ExitCode.FAILED, "Docker volume '" + name + "' uses driver '" + v.driver()
                        + "', not 'local': its data is not on this host's disk");
            }
            return v;
        } catch (JsonProcessingException e) {
            throw new CfsException(ExitCode.FAILED, "cannot parse 'docker volume inspect " + name + "'");
        }
    }

    /** Every container (running or not) that mounts the volume. */
    public List<Container> containersUsing(String volume) {
        ProcessResult r = docker("listing containers of volume " + volume, "ps", "-a", "--no-trunc",
                "--filter", "volume=" + volume, "--format", "{{.ID}}\t{{.Names}}\t{{.State}}");
        List<Container> out = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 3) {
                out.add(new Container(f[0], f[1], f[2]));
            }
        }
        return out;
    }

    /** The container's state, or {@code missing} when it no longer exists. */
    public String state(String container) {
        ProcessResult r = runner.run(ProcessSpec.of(binary, "inspect", "--format", "{{.State.Status}}", container).survivesCancel().build());
        if (!r.ok()) {
            return "missing";
        }
        return r.stdout().strip();
    }

    /** A container's state and when it last started ({@code null} when never or unknown). */
    public record StateInfo(String status, java.time.Instant startedAt) {
    }

    /** State and start time in one inspect; status {@code missing} when the container no longer exists. */
    public StateInfo stateInfo(String container) {
        ProcessResult r = runner.run(ProcessSpec.of(binary, "inspect", "--format", "{{.State.Status}} {{.State.StartedAt}}",
                container).survivesCancel().build());
        if (!r.ok()) {
            return new StateInfo("missing", null);
        }
        String[] f = r.stdout().strip().split(" ", 2);
        java.time.Instant started = null;
        if (f.length == 2) {
            try {
                started = java.time.Instant.parse(f[1].strip());
            } catch (java.time.format.DateTimeParseException e) {
                // unknown: treated as "not restarted since"
            }
        }
        return new StateInfo(f[0], started);
    }

    /** The {@code docker stop -t} timeout this instance uses: how long a stop may take before Docker kills. */
    public int stopTimeoutSeconds() {
        return stopTimeoutSeconds;
    }

    public void stop(List<String> containers) {
        if (!containers.isEmpty()) {
            docker("stopping containers", concat(List.of("stop", "-t", Integer.toString(stopTimeoutSeconds)), containers));
        }
    }

    public void start(List<String> containers) {
        if (!containers.isEmpty()) {
            docker("starting containers", concat(List.of("start"), containers));
        }
    }

    public void pause(List<String> containers) {
        if (!containers.isEmpty()) {
            docker("pausing containers", concat(List.of("pause"), containers));
        }
    }

    public void unpause(List<String> containers) {
        if (!containers.isEmpty()) {
            docker("unpausing containers", concat(List.of("unpause"), containers));
        }
    }

    /** Runs any docker subcommand; for callers that need a query this class does not name yet. */
    public ProcessResult run(String action, String... args) {
        return docker(action, args);
    }

    private static String[] concat(List<String> head, List<String> tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(tail);
        return all.toArray(String[]::new);
    }
}
