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
        this("docker", runner, DEFAULT_STOP_TIMEOUT_SECONDS);
    }

    /** Docker's own {@code docker stop} time-out: SIGTERM, then SIGKILL after this many seconds. */
    public static final int DEFAULT_STOP_TIMEOUT_SECONDS = 10;

    /** A named volume as the engine reports it. */
    public record Volume(String name, String driver, String mountpoint) {
    }

    /** A container and its state ({@code running}, {@code paused}, {@code exited}, ...). */
    public record Container(String id, String name, String state) implements org.cfs.backup.state.QuiesceJournal.Target {
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

    /**
     * How one {@code docker stop} went: its seconds, and whether the container had to be killed
     * (it did not exit within the time-out after SIGTERM: exit code 137 and the time-out used up).
     */
    public record Stopped(String container, double seconds, Integer exitCode, boolean killed) {
    }

    /**
     * Stops one container with this time-out ({@code docker stop -t}); never interrupted by a
     * cancel (the engine finishes a stop anyway, and a start before its end would be undone).
     */
    public Stopped stop(String container, int timeoutSeconds) {
        long t0 = System.nanoTime();
        docker("stopping container " + container, "stop", "-t", Integer.toString(timeoutSeconds), container);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rounded = Math.round(seconds * 1000) / 1000.0;
        Integer exit = null;
        if (!waitedOut(seconds, timeoutSeconds)) {
            // it exited on SIGTERM: no kill to tell apart, and no inspect (a docker start-up) in the downtime
            return new Stopped(container, rounded, null, false);
        }
        ProcessResult r = runner.run(ProcessSpec.of(binary, "inspect", "--format", "{{.State.ExitCode}}", container)
                .survivesCancel().build());
        if (r.ok()) {
            try {
                exit = Integer.parseInt(r.stdout().strip());
            } catch (NumberFormatException e) {
                // unknown: judged by the time alone
            }
        }
        return new Stopped(container, rounded, exit, killed(exit, seconds, timeoutSeconds));
    }

    /** SIGKILL's exit status (128 + 9) after the whole time-out: the container ignored SIGTERM. */
    static boolean killed(Integer exitCode, double seconds, int timeoutSeconds) {
        boolean waitedOut = waitedOut(seconds, timeoutSeconds);
        return exitCode == null ? waitedOut && timeoutSeconds > 0 : exitCode == 137 && waitedOut;
    }

    /** The stop took (about) its whole time-out: only then can the engine have killed the container. */
    private static boolean waitedOut(double seconds, int timeoutSeconds) {
        return seconds >= timeoutSeconds - 0.5;
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

    // ---- boot drills (issue 16): scratch volumes and containers, inspected and removed ----

    /** {@code docker inspect} of one container or image, as JSON (the first element of the array). */
    public JsonNode inspect(String what, String ref) {
        ProcessResult r = docker("inspecting " + what + " " + ref, "inspect", "--type", what, ref);
        try {
            JsonNode n = JSON.readTree(r.stdout());
            return n.isArray() && n.size() > 0 ? n.get(0) : n;
        } catch (JsonProcessingException e) {
            throw new CfsException(ExitCode.FAILED, "cannot parse 'docker inspect " + ref + "'");
        }
    }

    /** The engine's root folder (where volumes and container layers live), from {@code docker info}. */
    public String rootDir() {
        return docker("asking the Docker engine", "info", "--format", "{{.DockerRootDir}}").stdout().strip();
    }

    /** Creates a local volume with these labels ({@code key=value}). */
    public Volume createVolume(String name, List<String> labels) {
        List<String> a = new ArrayList<>(List.of("volume", "create"));
        for (String l : labels) {
            a.add("--label");
            a.add(l);
        }
        a.add(name);
        docker("creating volume " + name, a.toArray(String[]::new));
        return volume(name);
    }

    /** {@code docker rm -f -v}; a container that does not exist is not an error. */
    public void removeContainerIfExists(String name) {
        ProcessResult r = runner.run(ProcessSpec.of(binary, "rm", "-f", "-v", name).survivesCancel().build());
        if (!r.ok() && !r.stderrTail().contains("No such container")) {
            throw new CfsException(ExitCode.FAILED, "removing container " + name + " failed: " + r.stderrTail().strip());
        }
    }

    /** {@code docker volume rm -f}; a volume that does not exist is not an error. */
    public void removeVolumeIfExists(String name) {
        ProcessResult r = runner.run(ProcessSpec.of(binary, "volume", "rm", "-f", name).survivesCancel().build());
        if (!r.ok() && !r.stderrTail().contains("no such volume") && !r.stderrTail().contains("No such volume")) {
            throw new CfsException(ExitCode.FAILED, "removing volume " + name + " failed: " + r.stderrTail().strip());
        }
    }

    /** The last lines of a container's output (stdout and stderr), or an empty string. */
    public String logTail(String name, int lines) {
        ProcessResult r = runner.run(ProcessSpec.of(binary, "logs", "--tail", Integer.toString(lines), name)
                .survivesCancel().build());
        String out = (r.stdout() == null ? "" : r.stdout().strip());
        String err = r.ok() && r.stderrTail() != null ? r.stderrTail().strip() : "";
        return (out + (out.isEmpty() || err.isEmpty() ? "" : "\n") + err).strip();
    }

    /** Runs a command in a running container ({@code docker exec}); the caller reads the result. */
    public ProcessResult exec(String container, List<String> command, java.time.Duration timeout) {
        List<String> a = new ArrayList<>(List.of(binary, "exec", container));
        a.addAll(command);
        return runner.run(ProcessSpec.of(a).timeout(timeout).build());
    }

    public String binary() {
        return binary;
    }

    public ProcessRunner runner() {
        return runner;
    }

    private static String[] concat(List<String> head, List<String> tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(tail);
        return all.toArray(String[]::new);
    }
}
