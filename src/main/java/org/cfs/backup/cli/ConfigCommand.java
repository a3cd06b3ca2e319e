package org.cfs.backup.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.cfs.backup.ExitCode;
import org.cfs.backup.config.AlertConfig;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.ConfigLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code config check [--json]}: validates the config and the files it names; prints it with every secret hidden. */
@Command(name = "config", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Check the configuration.", subcommands = ConfigCommand.Check.class)
final class ConfigCommand extends BaseCommand {
    static final String HIDDEN = "<hidden>";

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: check");
    }

    /** One thing config check found. */
    record Problem(String severity, String key, String detail) {
    }

    /** {@code config check --json}. */
    record Report(String file, boolean valid, List<Problem> problems, Map<String, String> tools, JsonNode config) {
    }

    @Command(name = "check", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Validate the config (a bad key exits 2 naming it and its line), check that the files it"
                    + " names exist with safe modes and that restic and rclone are found, and print the effective"
                    + " config with every secret shown as <hidden>.")
    static final class Check extends BaseCommand {
        @Mixin
        JsonMixin output;

        @Override
        public Integer call() {
            Services s = services();
            // read-only: the loader alone, not Services.config() (which also reconciles the journal)
            Config c = new ConfigLoader().load(s.configPath());
            List<Problem> problems = new ArrayList<>();
            checkFiles(c, problems);
            checkCredentials(c, new org.cfs.backup.secrets.Credentials(c.credentialsDir(), s.env()), problems);
            Map<String, String> tools = new LinkedHashMap<>();
            VersionProvider versions = new VersionProvider(s.env());
            for (String tool : List.of("restic", "rclone")) {
                String v = versions.toolVersion(tool, List.of("version"));
                tools.put(tool, v);
                if (!v.startsWith(tool + " ")) {
                    problems.add(new Problem("error", tool, v));
                }
            }
            JsonNode effective = redacted(c);
            boolean errors = problems.stream().anyMatch(p -> p.severity().equals("error"));
            if (output.json) {
                JsonOutput.print(out(), new Report(c.file().toString(), !errors, problems, tools, effective));
            } else {
                out().println("config " + c.file() + ": " + (problems.isEmpty() ? "ok" : errors ? "errors" : "warnings"));
                for (Problem p : problems) {
                    out().println("  " + p.severity() + ": " + p.key() + ": " + p.detail());
                }
                tools.values().forEach(v -> out().println("  " + v));
                out().println("# effective config (defaults filled in, secrets " + HIDDEN + ")");
                out().print(yaml(effective));
            }
            out().flush();
            return errors ? ExitCode.USAGE : problems.isEmpty() ? ExitCode.OK : ExitCode.PARTIAL;
        }
    }

    // ---- files the config names ----

    static void checkFiles(Config c, List<Problem> problems) {
        mode(problems, "config", c.file(), false);
        secretFile(problems, "repository.password-file", c.repository().passwordFile());
        if (c.rclone().config() != null) {
            // rclone.conf holds OAuth tokens and client secrets
            secretFile(problems, "rclone.config", c.rclone().config());
        }
        secretFile(problems, "rclone.config-password-file", c.rclone().configPasswordFile());
        List<AlertConfig> alerts = c.alerts() == null ? List.of() : c.alerts();
        for (int i = 0; i < alerts.size(); i++) {
            if (alerts.get(i).email() != null) {
                secretFile(problems, "alerts[" + i + "].email.password-file", alerts.get(i).email().passwordFile());
            }
        }
    }

    /** A credential the config names must be sealed (or decrypted by systemd), its .cred file root's only. */
    static void checkCredentials(Config c, org.cfs.backup.secrets.Credentials creds, List<Problem> problems) {
        String[][] named = {{"repository.password-credential", c.repository().passwordCredential()},
                {"rclone.config-password-credential", c.rclone().configPasswordCredential()}};
        for (String[] n : named) {
            if (n[1] == null) {
                continue;
            }
            try {
                creds.resolve(n[0], n[1]);
            } catch (org.cfs.backup.CfsException e) {
                problems.add(new Problem("error", n[0], e.getMessage().substring(n[0].length() + 2)));
                continue;
            }
            if (creds.decrypted(n[1]) == null) {
                mode(problems, n[0], creds.sealedFile(n[1]), true);
            }
        }
    }

    private static void secretFile(List<Problem> problems, String key, String value) {
        if (value == null) {
            return;
        }
        Path p = Path.of(value);
        if (!Files.exists(p)) {
            problems.add(new Problem("error", key, "file " + value + " does not exist"));
        } else if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            problems.add(new Problem("error", key, value + " is not a readable file"));
        } else {
            mode(problems, key, p, true);
        }
    }

    /** Secrets: no access for group or others; other files: not writable by group or others. */
    private static void mode(List<Problem> problems, String key, Path p, boolean secret) {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                a = Files.readAttributes(p, PosixFileAttributes.class);
            }
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        Set<PosixFilePermission> perms = a.permissions();
        String mode = PosixFilePermissions.toString(perms);
        boolean groupOrOther = perms.stream().anyMatch(x -> x.name().startsWith("GROUP") || x.name().startsWith("OTHERS"));
        boolean writableByOthers = perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE);
        if (secret && groupOrOther) {
            problems.add(new Problem("warning", key, p + " holds a secret and is " + mode + ": chmod 0600 " + p
                    + " (or seal it: cfs-backup secrets seal)"));
        } else if (!secret && (writableByOthers || perms.contains(PosixFilePermission.OTHERS_READ))) {
            problems.add(new Problem("warning", key, p + " is " + mode + ": chmod 0640 " + p));
        }
    }

    // ---- the effective config, every secret hidden ----

    private static final ObjectMapper TREE = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .addModule(new SimpleModule().addSerializer(Path.class, ToStringSerializer.instance))
            .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            .build();

    /** Keys whose value is a secret itself (a name ending in -file or -credential only points at one). */
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|passwd|secret|token|api-key|apikey)$");
    /** Keys whose whole URL is a credential (a ping URL's path is its key; a webhook's may be). */
    private static final Set<String> SECRET_URL_KEYS = Set.of("webhook", "ntfy", "healthchecks");
    private static final Pattern USERINFO = Pattern.compile("(?<=://)[^/@\\s]+@");

    static JsonNode redacted(Config c) {
        ObjectNode tree = TREE.valueToTree(c);
        redact(tree);
        return tree;
    }

    private static void redact(JsonNode node) {
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                JsonNode v = e.getValue();
                if (v.isTextual()) {
                    if (SECRET_KEY.matcher(key).matches()) {
                        e.setValue(TextNode.valueOf(HIDDEN));
                    } else if (SECRET_URL_KEYS.contains(key)) {
                        e.setValue(TextNode.valueOf(hideUrl(v.asText())));
                    } else {
                        e.setValue(TextNode.valueOf(hideCredentials(v.asText())));
                    }
                } else {
                    redact(v);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).isTextual()) {
                    a.set(i, TextNode.valueOf(hideCredentials(a.get(i).asText())));
                } else {
                    redact(a.get(i));
                }
            }
        }
    }

    /** {@code https://hc.example/ping/UUID} becomes {@code https://hc.example/<hidden>}. */
    static String hideUrl(String url) {
        try {
            URI u = new URI(url);
            if (u.getScheme() != null && u.getHost() != null) {
                return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + "/" + HIDDEN;
            }
        } catch (java.net.URISyntaxException e) {
            // not a URL: hide all of it
        }
        return HIDDEN;
    }

    /** A user:password@ (restic rest:/s3: URLs, smtp://user:pass@host) and a query string are hidden. */
    static String hideCredentials(String value) {
        String v = USERINFO.matcher(value).replaceAll(HIDDEN + "@");
        int q = v.indexOf('?');
        if (q > 0 && v.substring(0, q).contains("://")) {
            v = v.substring(0, q + 1) + HIDDEN;
        }
        return v;
    }

    static String yaml(JsonNode tree) {
        try {
            return YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build().writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
