package org.cfs.backup.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.process.ProcessSpec;

/**
 * Reads every container on the engine (running or not: a stopped one can be started again) with
 * two docker calls, {@code ps -aq} and one {@code inspect} of all ids, and keeps what the
 * isolation rules need. Read-only: it never changes a container.
 */
public final class ContainerInspector {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The label of a boot drill's scratch containers, which the audit leaves out. */
    static final String BOOT_DRILL_LABEL = "cfs-backup.boot-drill";

    private final String docker;
    private final ProcessRunner runner;

    public ContainerInspector(String dockerBinary, ProcessRunner runner) {
        this.docker = dockerBinary;
        this.runner = runner;
    }

    /** One mount as the engine reports it; {@code source} is the host side for binds. */
    public record Mount(String type, String source, String destination, boolean rw) {
    }

    /**
     * What the rules look at in one container. {@code env} holds NAME=VALUE strings: values are
     * compared with held secrets, never printed.
     */
    public record Info(String id, String name, String state, boolean privileged, String pidMode, String networkMode,
                       String ipcMode, String utsMode, String usernsMode, List<String> capAdd,
                       List<String> securityOpt, List<Mount> mounts, List<String> env) {
        @Override
        public String toString() {
            // the environment may carry secrets: leave it out of every message and log
            return "Container[" + name + " " + state + "]";
        }
    }

    /** @throws CfsException when the engine cannot be asked (the audit reports it as incomplete) */
    public List<Info> containers() {
        ProcessResult ps = runner.run(ProcessSpec.of(docker, "ps", "-aq", "--no-trunc").timeout(TIMEOUT).build());
        if (ps.cancelled()) {
            throw new CancelledException();
        }
        if (!ps.ok()) {
            throw new CfsException(ExitCode.FAILED, "docker ps failed: " + firstLine(ps.stderrTail(), ps.exitCode()));
        }
        List<String> cmd = new ArrayList<>(List.of(docker, "inspect"));
        for (String id : ps.stdout().split("\\s+")) {
            if (!id.isBlank()) {
                cmd.add(id.strip());
            }
        }
        if (cmd.size() == 2) {
            return List.of();
        }
        ProcessResult in = runner.run(ProcessSpec.of(cmd).timeout(TIMEOUT).build());
        if (in.cancelled()) {
            throw new CancelledException();
        }
        // a container removed between ps and inspect makes inspect exit 1 but still print the others
        if (!in.ok() && !in.stdout().strip().startsWith("[")) {
            throw new CfsException(ExitCode.FAILED, "docker inspect failed: " + firstLine(in.stderrTail(), in.exitCode()));
        }
        return parse(in.stdout());
    }

    /** Parses {@code docker inspect} output (a JSON array of containers). */
    static List<Info> parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CfsException(ExitCode.FAILED, "cannot parse docker inspect output");
        }
        List<Info> out = new ArrayList<>();
        if (root == null || !root.isArray()) {
            return out;
        }
        for (JsonNode c : root) {
            if (c.path("Config").path("Labels").has(BOOT_DRILL_LABEL)) {
                continue; // a boot drill's own throw-away copy (issue 16): no network, removed afterwards
            }
            JsonNode hc = c.path("HostConfig");
            List<Mount> mounts = new ArrayList<>();
            for (JsonNode m : c.path("Mounts")) {
                mounts.add(new Mount(m.path("Type").asText(""), m.path("Source").asText(""),
                        m.path("Destination").asText(""), m.path("RW").asBoolean(false)));
            }
            String name = c.path("Name").asText("");
            out.add(new Info(c.path("Id").asText(""), name.startsWith("/") ? name.substring(1) : name,
                    c.path("State").path("Status").asText(""), hc.path("Privileged").asBoolean(false),
                    hc.path("PidMode").asText(""), hc.path("NetworkMode").asText(""), hc.path("IpcMode").asText(""),
                    hc.path("UTSMode").asText(""), hc.path("UsernsMode").asText(""), strings(hc.path("CapAdd")),
                    strings(hc.path("SecurityOpt")), mounts, strings(c.path("Config").path("Env"))));
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(n.asText());
        }
        return out;
    }

    private static String firstLine(String stderr, int exit) {
        String s = stderr == null ? "" : stderr.strip();
        int nl = s.indexOf('\n');
        s = nl < 0 ? s : s.substring(0, nl);
        return s.isEmpty() ? "exit " + exit : s;
    }
}
