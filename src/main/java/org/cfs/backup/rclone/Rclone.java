package org.cfs.backup.rclone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.process.ProcessSpec;

/**
 * Turns intent into rclone argument lists and parses rclone's answers; running is left to the
 * {@link ProcessRunner}. The config file and its password reach rclone only by environment
 * ({@code RCLONE_CONFIG}, {@code RCLONE_CONFIG_PASS}); every call has {@code --ask-password=false}
 * so an encrypted config without password fails at once instead of waiting 60 s on stdin.
 */
public final class Rclone {
    static final ObjectMapper JSON = JsonMapper.builder().build();
    /** rclone's flag that keeps it from ever prompting for the config password. */
    public static final String NO_PROMPT = "--ask-password=false";

    private final String binary;
    private final Path config;
    private final Path configPasswordFile;
    private final ProcessRunner runner;

    /**
     * @param config the rclone config file, or null for rclone's default
     * @param configPasswordFile the file holding the encrypted config's password, or null
     */
    public Rclone(String binary, Path config, Path configPasswordFile, ProcessRunner runner) {
        this(binary, config, configPasswordFile, null, runner);
    }

    /** @param passwordCommand issue 15: prints the config password (a sealed credential), or null */
    public Rclone(String binary, Path config, Path configPasswordFile, String passwordCommand, ProcessRunner runner) {
        this.binary = binary;
        this.config = config;
        this.configPasswordFile = configPasswordFile;
        this.passwordCommand = passwordCommand;
        this.runner = runner;
    }

    private final String passwordCommand;

    public String binary() {
        return binary;
    }

    public Path config() {
        return config;
    }

    public Path configPasswordFile() {
        return configPasswordFile;
    }

    public ProcessRunner runner() {
        return runner;
    }

    /** {@code REMOTE:} from a remote name with or without its colon. */
    public static String remoteRef(String remote) {
        return remote.endsWith(":") ? remote : remote + ":";
    }

    /** The remote's name without the colon. */
    public static String remoteName(String remote) {
        return remote.endsWith(":") ? remote.substring(0, remote.length() - 1) : remote;
    }

    // ---- argument building ----

    /** binary, the arguments, then {@code --ask-password=false}. */
    /** The remote of an {@code rclone:REMOTE:path} repository URL, or null for other repositories. */
    public static String repositoryRemote(String url) {
        if (url == null || !url.startsWith("rclone:")) {
            return null;
        }
        String rest = url.substring("rclone:".length());
        int colon = rest.indexOf(':');
        return colon <= 0 ? null : rest.substring(0, colon);
    }

    public List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.addAll(List.of(args));
        cmd.add(NO_PROMPT);
        return cmd;
    }

    public List<String> aboutArgs(String remote) {
        return command("about", remoteRef(remote), "--json");
    }

    public List<String> configDumpArgs() {
        return command("config", "dump");
    }

    /** Empties the Drive trash of the remote (what frees quota after a prune with use_trash = true). */
    public List<String> cleanupArgs(String remote) {
        return command("cleanup", remoteRef(remote));
    }

    /**
     * {@code rclone rcd} on a random loopback port; its user and password come by environment
     * (see {@link RcServer}), the config secrets by HTTP body, so none is on a command line.
     */
    public List<String> rcdArgs() {
        return command("rcd", "--rc-addr", "127.0.0.1:0");
    }

    /** The environment of every rclone child: config path and, for an encrypted config, its password. */
    public Map<String, String> environment() {
        return environment(config, configPasswordFile, passwordCommand);
    }

    /** As below, or with {@code RCLONE_PASSWORD_COMMAND} for a sealed credential (issue 15). */
    public static Map<String, String> environment(Path config, Path configPasswordFile, String passwordCommand) {
        Map<String, String> env = environment(config, configPasswordFile);
        if (passwordCommand != null) {
            env.put("RCLONE_PASSWORD_COMMAND", passwordCommand);
        }
        return env;
    }

    /**
     * What rclone needs in its environment, also when restic starts it as its backend: the config
     * file and, for an encrypted one, its password read from the file (never an argument).
     */
    public static Map<String, String> environment(Path config, Path configPasswordFile) {
        Map<String, String> env = new LinkedHashMap<>();
        if (config != null) {
            env.put("RCLONE_CONFIG", config.toString());
        }
        if (configPasswordFile != null) {
            try {
                env.put("RCLONE_CONFIG_PASS", Files.readString(configPasswordFile).strip());
            } catch (IOException e) {
                throw new CfsException(ExitCode.USAGE, "cannot read rclone.config-password-file " + configPasswordFile
                        + ": " + e.getClass().getSimpleName());
            }
        }
        return env;
    }

    public ProcessSpec.Builder spec(List<String> args) {
        return ProcessSpec.of(args).env(environment());
    }

    // ---- running ----

    /** Runs rclone and throws a classified {@link RcloneException} when it fails. */
    public ProcessResult runChecked(String action, ProcessSpec spec) {
        ProcessResult r = runner.run(spec);
        if (r.cancelled()) {
            throw new org.cfs.backup.process.CancelledException();
        }
        if (!r.ok()) {
            throw new RcloneException(action, DriveError.classify(r.stderrTail()), DriveError.reason(r.stderrTail()));
        }
        return r;
    }

    /** {@code rclone about REMOTE: --json}. */
    public About about(String remote) {
        ProcessResult r = runChecked("rclone about " + remoteRef(remote),
                spec(aboutArgs(remote)).timeout(java.time.Duration.ofMinutes(5)).build());
        return parseAbout(r.stdout());
    }

    public static About parseAbout(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) {
                throw new CfsException(ExitCode.FAILED, "rclone about printed no JSON object");
            }
            return new About(num(n, "total"), num(n, "used"), num(n, "free"), num(n, "trashed"), num(n, "other"));
        } catch (JsonProcessingException e) {
            throw new CfsException(ExitCode.FAILED, "cannot parse rclone about output: " + e.getOriginalMessage());
        }
    }

    private static Long num(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.canConvertToLong() ? null : v.asLong();
    }

    /**
     * {@code rclone config dump}: every remote and its settings. The result holds secrets (client
     * secret, token): callers read fields from it and never print it.
     */
    public Map<String, Map<String, String>> dump() {
        ProcessResult r = runChecked("rclone config dump", spec(configDumpArgs()).timeout(java.time.Duration.ofMinutes(1)).build());
        return parseDump(r.stdout());
    }

    public static Map<String, Map<String, String>> parseDump(String json) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) {
                return out;
            }
            n.fields().forEachRemaining(e -> {
                Map<String, String> kv = new LinkedHashMap<>();
                e.getValue().fields().forEachRemaining(f -> kv.put(f.getKey(), f.getValue().asText()));
                out.put(e.getKey(), kv);
            });
            return out;
        } catch (JsonProcessingException e) {
            // never quote the input: it holds the config's secrets
            throw new CfsException(ExitCode.FAILED, "cannot parse rclone config dump output");
        }
    }

    /** The settings of one remote, or null when the config has no such remote. */
    public Map<String, String> remote(String remote) {
        return dump().get(remoteName(remote));
    }

    /**
     * The type of a remote (e.g. {@code drive}) read cheaply from an unencrypted config file, or
     * with one {@code rclone config dump} when the file is encrypted or absent; null when unknown.
     */
    public String remoteType(String remote) {
        String name = remoteName(remote);
        if (config != null && Files.isRegularFile(config)) {
            try {
                String text = Files.readString(config);
                if (!text.contains("RCLONE_ENCRYPT_V0:")) {
                    return IniTypes.typeOf(text, name);
                }
            } catch (IOException e) {
                // fall through to rclone, which reports the problem better
            }
        }
        Map<String, String> r = remote(name);
        return r == null ? null : r.get("type");
    }

    /** Runs {@code rclone cleanup REMOTE:} (empties Drive's trash). */
    public void cleanup(String remote) {
        runChecked("rclone cleanup " + remoteRef(remote), spec(cleanupArgs(remote)).build());
    }
}
