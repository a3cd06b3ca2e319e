package org.cfs.backup.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.backup.ConfigSnapshot;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticSettings;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.restore.SnapshotSelector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code recover --repository URL --password-file F [--rclone-config F] [--host OLD] [--config-out FILE] [--force]}:
 * on a fresh machine with no config, reads the repository alone, lists its hosts and writes the
 * chosen host's last saved config ({@code cfs-config} snapshot) with {@code host: OLD}, so that
 * retention, freshness and history carry on; then says which secret files to put back.
 */
@Command(name = "recover", mixinStandardHelpOptions = true,
        description = "On a new machine: write a lost host's config from the repository (its cfs-config snapshot).")
final class RecoverCommand extends BaseCommand {
    @Option(names = "--repository", required = true, paramLabel = "URL", description = "The restic repository URL (e.g. rclone:gdrive:cfs-backup).")
    String repository;

    @Option(names = "--password-file", required = true, paramLabel = "FILE", description = "File holding the repository password.")
    Path passwordFile;

    @Option(names = "--rclone-config", paramLabel = "FILE", description = "rclone.conf for an rclone: repository.")
    Path rcloneConfig;

    @Option(names = "--rclone-config-password-file", paramLabel = "FILE", description = "Password of an encrypted rclone.conf.")
    Path rcloneConfigPassword;

    @Option(names = "--host", paramLabel = "OLD", description = "The host to recover (needed when the repository has several).")
    String host;

    @Option(names = "--config-out", paramLabel = "FILE", description = "Where to write the config (default: -c, $CFS_BACKUP_CONFIG or /etc/cfs-backup/config.yaml).")
    Path configOut;

    @Option(names = "--force", description = "Overwrite an existing --config-out file.")
    boolean force;

    @Mixin
    JsonMixin output;

    /** One host of the repository. */
    record HostRow(String host, int snapshots, List<String> sources, Instant newest, String configSnapshotId,
                   Instant configSaved) {
    }

    /** A secret file the recovered config names. */
    record SecretFile(String key, String path, boolean present) {
    }

    /** {@code recover --json}. */
    record Report(List<HostRow> hosts, String host, String configOut, String configSnapshotId, List<SecretFile> secretFiles,
                  List<String> redactedLines, List<String> next) {
    }

    @Override
    public Integer call() {
        Services s = services();
        requireFile("--password-file", passwordFile);
        if (rcloneConfig != null) {
            requireFile("--rclone-config", rcloneConfig);
        }
        if (rcloneConfigPassword != null) {
            requireFile("--rclone-config-password-file", rcloneConfigPassword);
        }
        Path out = (configOut != null ? configOut : s.configPath()).toAbsolutePath().normalize();
        if (Files.exists(out) && !force) {
            throw CfsException.usage(out + " exists: pass --force to replace it, or --config-out FILE");
        }
        Restic restic = new Restic(new ResticSettings(s.binary("restic"), repository, passwordFile.toAbsolutePath(), null,
                rcloneConfig == null ? null : rcloneConfig.toAbsolutePath(),
                rcloneConfigPassword == null ? null : rcloneConfigPassword.toAbsolutePath(), List.of()), s.runner());
        List<Snapshot> all = restic.snapshots(null, List.of());
        List<HostRow> hosts = hosts(all);
        if (hosts.isEmpty()) {
            throw CfsException.failed("the repository " + repository + " holds no snapshots: nothing to recover");
        }
        if (!output.json) {
            out().println("hosts in " + repository + ":");
            for (HostRow h : hosts) {
                out().printf(Locale.ROOT, "  %-24s %4d snapshots, newest %s, sources %s, config %s%n", h.host(), h.snapshots(),
                        h.newest(), String.join(",", h.sources()), h.configSnapshotId() == null ? "not saved"
                                : "saved " + h.configSaved() + " (" + h.configSnapshotId() + ")");
            }
        }
        HostRow chosen = choose(hosts);
        String yaml = dump(restic, all, chosen);
        yaml = withHost(yaml, chosen.host());
        yaml = withRepository(yaml, repository);
        try {
            Files.createDirectories(out.getParent());
            Path tmp = out.resolveSibling("." + out.getFileName() + ".recover-" + ProcessHandle.current().pid());
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
            Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw CfsException.failed("cannot write " + out + ": " + e.getMessage());
        }
        List<SecretFile> secrets = secretFiles(yaml);
        List<String> redacted = yaml.lines().filter(l -> l.contains(ConfigSnapshot.REDACTED)).map(String::strip).toList();
        String c = out.equals(org.cfs.backup.config.ConfigLoader.resolvePath(null, s.env()).toAbsolutePath().normalize())
                ? "" : " -c " + out;
        List<String> next = new ArrayList<>();
        for (SecretFile f : secrets) {
            if (!f.present()) {
                String from = f.key().equals("repository.password-file") ? passwordFile.toAbsolutePath().toString()
                        : f.key().equals("rclone.config") && rcloneConfig != null ? rcloneConfig.toAbsolutePath().toString()
                        : f.key().equals("rclone.config-password-file") && rcloneConfigPassword != null
                        ? rcloneConfigPassword.toAbsolutePath().toString() : null;
                next.add(from != null ? "install -D -m 600 " + from + " " + f.path()
                        : "put back " + f.path() + " (" + f.key() + ")");
            }
        }
        if (RootCommand.commandNames().contains("config")) {
            next.add("cfs-backup" + c + " config check");
        }
        next.add("cfs-backup" + c + " restore --all --dry-run");
        next.add("cfs-backup" + c + " restore --all --yes");
        next.add("cfs-backup" + c + " drill");
        if (output.json) {
            JsonOutput.print(out(), new Report(hosts, chosen.host(), out.toString(), chosen.configSnapshotId(), secrets,
                    redacted, next));
            return ExitCode.OK;
        }
        out().println("wrote the config of host " + chosen.host() + " (saved " + chosen.configSaved() + ", snapshot "
                + chosen.configSnapshotId() + ") to " + out + ", with host: " + chosen.host());
        if (!secrets.isEmpty()) {
            out().println("secret files it names (their contents are never in the repository):");
            for (SecretFile f : secrets) {
                out().println("  " + f.path() + "  (" + f.key() + ")" + (f.present() ? "  present" : "  MISSING: put it back"));
            }
        }
        if (!redacted.isEmpty()) {
            out().println("inline secrets were redacted when the config was saved; fill them in:");
            redacted.forEach(l -> out().println("  " + l));
        }
        out().println("next:");
        next.forEach(n -> out().println("  " + n));
        return ExitCode.OK;
    }

    private static void requireFile(String option, Path f) {
        if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
            throw CfsException.usage(option + " " + f + ": not a readable file");
        }
    }

    static List<HostRow> hosts(List<Snapshot> all) {
        Map<String, List<Snapshot>> by = new LinkedHashMap<>();
        all.stream().filter(sn -> sn.hostname() != null).sorted(Comparator.comparing(Snapshot::time))
                .forEach(sn -> by.computeIfAbsent(sn.hostname(), k -> new ArrayList<>()).add(sn));
        List<HostRow> rows = new ArrayList<>();
        by.forEach((h, list) -> {
            List<Snapshot> regular = list.stream().filter(SnapshotSelector::regular).toList();
            Snapshot config = list.stream().filter(Snapshot::isConfigSnapshot).max(Comparator.comparing(Snapshot::time)).orElse(null);
            List<String> sources = regular.stream().flatMap(sn -> sn.tagsOrEmpty().stream()).distinct().sorted().toList();
            Instant newest = regular.isEmpty() ? null : regular.get(regular.size() - 1).time();
            rows.add(new HostRow(h, regular.size(), sources, newest, config == null ? null : config.shortIdOrPrefix(),
                    config == null ? null : config.time()));
        });
        rows.sort(Comparator.comparing((HostRow r) -> r.newest() == null ? Instant.EPOCH : r.newest()).reversed());
        return rows;
    }

    private HostRow choose(List<HostRow> hosts) {
        List<String> names = hosts.stream().map(HostRow::host).toList();
        if (host != null) {
            HostRow h = hosts.stream().filter(r -> r.host().equals(host)).findFirst().orElseThrow(() -> CfsException.usage(
                    "host '" + host + "' has no snapshot in the repository (hosts: " + String.join(", ", names) + ")"));
            if (h.configSnapshotId() == null) {
                throw CfsException.failed("host '" + host + "' has snapshots but no saved config (cfs-config): write its "
                        + "config by hand with 'host: " + host + "'; 'snapshots --all-hosts' lists what it has");
            }
            return h;
        }
        List<HostRow> withConfig = hosts.stream().filter(r -> r.configSnapshotId() != null).toList();
        if (withConfig.isEmpty()) {
            throw CfsException.failed("no host in the repository has a saved config (cfs-config snapshot); hosts: "
                    + String.join(", ", names));
        }
        if (withConfig.size() > 1) {
            throw CfsException.usage("the repository has the configs of several hosts ("
                    + String.join(", ", withConfig.stream().map(HostRow::host).toList()) + "): pass --host NAME");
        }
        return withConfig.get(0);
    }

    private static String dump(Restic restic, List<Snapshot> all, HostRow h) {
        Snapshot sn = all.stream().filter(x -> h.host().equals(x.hostname()) && x.isConfigSnapshot())
                .max(Comparator.comparing(Snapshot::time)).orElseThrow();
        String path = sn.paths() == null || sn.paths().isEmpty() ? "/" + ConfigSnapshot.FILENAME : sn.paths().get(0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProcessResult r = restic.dump(sn.id(), path, in -> in.transferTo(bytes));
        if (!r.ok()) {
            throw restic.failure("restic dump", r);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The config with a top-level {@code host: NAME} (replaced when present, else added first). */
    static String withHost(String yaml, String host) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^host:[^\\n]*$").matcher(yaml);
        if (m.find()) {
            return yaml.substring(0, m.start()) + "host: " + host + yaml.substring(m.end());
        }
        return "# host: written by 'cfs-backup recover' so that this machine carries on the history of " + host + "\n"
                + "host: " + host + "\n" + yaml;
    }

    /** The repository URL set to the one that just opened (block style {@code repository:\n  url: X}). */
    static String withRepository(String yaml, String url) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^(repository:[ \\t]*(?:#[^\\n]*)?\\n(?:[ \\t]+[^\\n]*\\n)*?[ \\t]+url:[ \\t]*)([^\\n#]*?)([ \\t]*(?:#[^\\n]*)?)$").matcher(yaml);
        if (m.find()) {
            String value = url.matches("[A-Za-z0-9_./:@-]+") ? url : "\"" + url.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            return yaml.substring(0, m.start(2)) + value + yaml.substring(m.end(2));
        }
        return yaml;
    }

    /** The secret files the config names: repository, rclone and any {@code *password-file}; present or not here. */
    static List<SecretFile> secretFiles(String yaml) {
        List<SecretFile> out = new ArrayList<>();
        try {
            com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(yaml);
            walk(root, "", out);
        } catch (IOException e) {
            throw CfsException.failed("the saved config is not YAML: " + e.getMessage());
        }
        return out;
    }

    private static void walk(com.fasterxml.jackson.databind.JsonNode n, String key, List<SecretFile> out) {
        if (n == null) {
            return;
        }
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> walk(e.getValue(), key.isEmpty() ? e.getKey() : key + "." + e.getKey(), out));
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                walk(n.get(i), key + "[" + i + "]", out);
            }
        } else if (n.isTextual()) {
            String leaf = key.substring(key.lastIndexOf('.') + 1);
            if (leaf.endsWith("password-file") || key.equals("rclone.config") || leaf.equals("token-file")
                    || leaf.equals("client-secret-file")) {
                String p = n.asText();
                if (out.stream().noneMatch(f -> f.path().equals(p))) {
                    out.add(new SecretFile(key, p, Files.isRegularFile(Path.of(p))));
                }
            }
        }
    }
}
