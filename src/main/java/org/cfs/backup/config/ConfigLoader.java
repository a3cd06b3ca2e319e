package org.cfs.backup.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads the YAML config and validates every key before anything runs. Every error names the
 * file, the key (as {@code sources[2].consistency}) and its line.
 */
public final class ConfigLoader {
    public static final Path DEFAULT_PATH = Path.of("/etc/cfs-backup/config.yaml");
    public static final String ENV_VAR = "CFS_BACKUP_CONFIG";
    private static final Pattern SOURCE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern KEEP_WITHIN = Pattern.compile("(\\d+[ymdh])+");
    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");
    /** The repository URLs restic knows (a local path, or a backend prefix); anything else is a typo. */
    static final Pattern REPOSITORY_URL = Pattern.compile("(/|local:/|rclone:[^:\\s]+:|sftp:|rest:https?://|s3:|b2:"
            + "|azure:|gs:|swift:).*");

    private final YAMLMapper mapper;

    public ConfigLoader() {
        mapper = YAMLMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .build();
    }

    /** Which file to read: the -c option, else $CFS_BACKUP_CONFIG, else the default path. */
    public static Path resolvePath(Path option, Map<String, String> env) {
        if (option != null) {
            return option;
        }
        String fromEnv = env.get(ENV_VAR);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        return DEFAULT_PATH;
    }

    public Config load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " not found (use -c FILE or " + ENV_VAR + ")");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw new ConfigException(file + ": the file is empty");
        }
        RawConfig raw;
        try {
            raw = mapper.readValue(bytes, RawConfig.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": " + describe(e, lineMap(bytes)));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        if (raw == null) {
            throw new ConfigException(file + ": the file is empty");
        }
        // the lines of the keys are looked up only for an error: a good config is parsed once
        return new Validator(file, () -> lineMap(bytes)).validate(raw);
    }

    private static String describe(JsonProcessingException e, Map<String, Integer> lines) {
        if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException y && y.getProblemMark() != null) {
            // the parser's own mark and problem: Jackson's summary keeps only the context line
            org.yaml.snakeyaml.error.Mark mark = y.getProblemMark();
            String problem = y.getProblem() == null ? "" : y.getProblem()
                    .replace("character '\\t(TAB)'", "a tab").replace("\\t(TAB)", "tabs").replace("\t", "a tab");
            return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": not valid YAML: "
                    + (y.getContext() == null ? "" : y.getContext() + ": ") + problem
                    + (problem.contains("tab") && !problem.contains("indentation") ? " (indent with spaces, not tabs)" : "");
        }
        String where = "";
        JsonLocation loc = e.getLocation();
        Integer keyLine = e instanceof JsonMappingException m ? lines.get(keyPath(m.getPath())) : null;
        if (keyLine != null) {
            // records are built from buffered tokens, so Jackson's own location can be a line late
            where = "line " + keyLine + ": ";
        } else if (loc != null && loc.getLineNr() > 0) {
            where = "line " + loc.getLineNr() + ": ";
        }
        if (e instanceof UnrecognizedPropertyException u) {
            String path = keyPath(u.getPath());
            String near = nearest(u.getPropertyName(), u.getKnownPropertyIds());
            return where + "unknown key '" + path + "'" + (near == null ? "" : " (did you mean '" + near + "'?)");
        }
        if (e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException f && f.getTargetType() != null) {
            return where + "key '" + keyPath(f.getPath()) + "': " + expected(f.getTargetType()) + ", not '"
                    + f.getValue() + "'";
        }
        if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mi && mi.getTargetType() != null
                && !mi.getPath().isEmpty()) {
            return where + "key '" + keyPath(mi.getPath()) + "': " + expected(mi.getTargetType());
        }
        if (e instanceof JsonMappingException m) {
            String path = keyPath(m.getPath());
            String reason = m.getOriginalMessage();
            Throwable c = m.getCause();
            if (c instanceof IllegalArgumentException && c.getMessage() != null) {
                reason = c.getMessage();
            } else if (reason != null) {
                reason = simplify(reason);
            }
            return where + "key '" + path + "': " + reason;
        }
        return where + "not valid YAML: " + simplify(e.getOriginalMessage());
    }

    /** What a key of this type takes, in the operator's words. */
    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "must be a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (type == String.class) {
            return "must be a single value (text)";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "must be a list ([a, b] or one '- item' per line)";
        }
        if (type.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object c : type.getEnumConstants()) {
                names.add(c.toString().toLowerCase(java.util.Locale.ROOT));
            }
            return "must be one of " + String.join(", ", names);
        }
        return "must be a mapping ('key: value' lines or {key: value})";
    }

    /** The known key nearest to a mistyped one (edit distance at most a third of its length), or null. */
    static String nearest(String typed, java.util.Collection<Object> known) {
        if (typed == null || known == null) {
            return null;
        }
        String best = null;
        int bestDistance = Math.max(1, typed.length() / 3) + 1;
        for (Object k : known) {
            int d = distance(typed, k.toString());
            if (d < bestDistance) {
                bestDistance = d;
                best = k.toString();
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String simplify(String jacksonMessage) {
        String m = jacksonMessage.replaceAll("`(?:[a-z]+\\.)+([A-Za-z$]+)`", "$1");
        m = m.replace("java.lang.", "").replace("java.util.", "");
        m = m.replaceAll("org\\.cfs\\.backup\\.config\\.(Raw)?", "");
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }

    static String keyPath(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** Line of every key and list item, keyed like {@code sources[2].consistency}. */
    static Map<String, Integer> lineMap(byte[] yaml) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                JsonStreamContext ctx = p.getParsingContext();
                int line = p.currentTokenLocation().getLineNr();
                if (t == JsonToken.FIELD_NAME) {
                    lines.putIfAbsent(pathOf(ctx), line);
                } else if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    JsonStreamContext parent = ctx.getParent();
                    if (parent != null && parent.inArray()) {
                        lines.putIfAbsent(pathOf(parent), line);
                    }
                } else if (ctx.inArray()) {
                    lines.putIfAbsent(pathOf(ctx), line);
                }
            }
        } catch (IOException e) {
            // the mapper already parsed the same bytes; a map without lines is still usable
        }
        return lines;
    }

    private static String pathOf(JsonStreamContext ctx) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add(0, "[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                parts.add(0, "." + c.getCurrentName());
            }
        }
        String s = String.join("", parts);
        return s.startsWith(".") ? s.substring(1) : s;
    }

    /** Semantic checks over the parsed tree, with defaults filled in. */
    private static final class Validator {
        private final Path file;
        private final java.util.function.Supplier<Map<String, Integer>> lineSource;
        private Map<String, Integer> lines;

        Validator(Path file, java.util.function.Supplier<Map<String, Integer>> lineSource) {
            this.file = file;
            this.lineSource = lineSource;
        }

        private ConfigException error(String key, String message) {
            if (lines == null) {
                lines = lineSource.get();
            }
            Integer line = lines.get(key);
            String where = line == null ? "" : "line " + line + ": ";
            return new ConfigException(file + ": " + where + "key '" + key + "': " + message);
        }

        Config validate(RawConfig raw) {
            String host = raw.host();
            if (host == null || host.isBlank()) {
                host = localHostName();
            }
            RepositoryConfig repo = raw.repository();
            if (repo == null || repo.url() == null || repo.url().isBlank()) {
                throw error("repository.url", "is required (a restic repository URL such as rclone:gdrive:cfs-backup)");
            }
            // issue 15: the password may instead be a sealed systemd credential
            if (repo.passwordCredential() != null) {
                if (repo.passwordFile() != null) {
                    throw error("repository.password-credential", "and password-file exclude each other: give one");
                }
                credentialName("repository.password-credential", repo.passwordCredential());
            } else {
                if (repo.passwordFile() == null || repo.passwordFile().isBlank()) {
                    throw error("repository.password-file", "is required (or password-credential: a sealed credential's name)");
                }
                readableFile("repository.password-file", repo.passwordFile());
                // issue 11 (bad inputs): an empty password file is a config error
                try {
                    if (Files.readString(Path.of(repo.passwordFile())).strip().isEmpty()) {
                        throw error("repository.password-file", "file " + repo.passwordFile()
                                + " is empty: it must hold the repository password");
                    }
                } catch (IOException | java.io.UncheckedIOException e) {
                    throw error("repository.password-file", "file " + repo.passwordFile() + " cannot be read: "
                            + e.getMessage());
                }
            }
            if (!REPOSITORY_URL.matcher(repo.url()).matches()) {
                throw error("repository.url", "'" + repo.url() + "' is not a restic repository URL (an absolute path,"
                        + " or rclone:REMOTE:PATH, sftp:, rest:http(s)://, s3:, b2:, azure:, gs:, swift:)");
            }
            RcloneConfig rclone = raw.rclone() == null ? new RcloneConfig(null, null, null, null) : raw.rclone();
            if (rclone.configPasswordFile() != null) {
                readableFile("rclone.config-password-file", rclone.configPasswordFile());
            }
            if (rclone.configPasswordCredential() != null) {
                if (rclone.configPasswordFile() != null) {
                    throw error("rclone.config-password-credential", "and config-password-file exclude each other: give one");
                }
                credentialName("rclone.config-password-credential", rclone.configPasswordCredential());
            }
            Path credentialsDir = path("credentials-dir", raw.credentialsDir(), "/etc/cfs-backup/credentials");
            if (credentialsDir.toString().matches(".*[\\s'\"\\\\].*")) {
                throw error("credentials-dir", "'" + credentialsDir + "' must not hold blanks, quotes or backslashes");
            }
            if (rclone.remote() != null && !rclone.remote().matches("[A-Za-z0-9_. -]+:?")) {
                throw error("rclone.remote", "'" + rclone.remote() + "' is not an rclone remote name");
            }
            Path stateDir = path("state-dir", raw.stateDir(), "/var/lib/cfs-backup");
            Path logDir = path("log-dir", raw.logDir(), "/var/log/cfs-infra");
            Path cacheDir = path("cache-dir", raw.cacheDir(), "/var/cache/cfs-backup");
            List<SourceConfig> sources = sources(raw.sources() == null ? List.of() : raw.sources());
            RetentionConfig retention = retention(raw.retention() == null ? RetentionConfig.defaults() : raw.retention());
            ScheduleConfig schedule = schedule(raw.schedule());
            QuotaConfig quota = quota(raw.quota());
            List<AlertConfig> alerts = alerts(raw.alerts() == null ? List.of() : raw.alerts());
            AuditConfig audit = audit(raw.audit());
            Path metrics = raw.metricsFile() == null ? null : path("metrics-file", raw.metricsFile(), null);
            String staleAfter = raw.staleAfter() == null ? "26h" : raw.staleAfter();
            if (!DURATION.matcher(staleAfter).matches()) {
                throw error("stale-after", "'" + staleAfter + "' is not a duration like 26h, 90m or 2d");
            }
            int checkSubsets = raw.checkSubsets() == null ? 12 : raw.checkSubsets();
            if (checkSubsets < 1 || checkSubsets > 10000) {
                throw error("check-subsets", checkSubsets + " must be between 1 and 10000 (the daemon's check reads 1/N of the data per run)");
            }
            String listen = raw.metricsListen();
            if (listen != null) {
                if (metrics == null) {
                    throw error("metrics-listen", "needs metrics-file (the daemon serves that file)");
                }
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(127\\.0\\.0\\.1|localhost|\\[::1\\]):(\\d{1,5})")
                        .matcher(listen);
                if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
                    throw error("metrics-listen", "'" + listen + "' must be a loopback address and port, like 127.0.0.1:9187");
                }
            }
            FleetConfig fleet = fleet(raw.fleet());
            WebConfig web = web(raw.web());
            return new Config(file, host, repo, rclone, stateDir, logDir, cacheDir, sources, retention, schedule,
                    quota, alerts, audit, metrics, staleAfter, checkSubsets, listen, fleet, credentialsDir, web);
        }

        private FleetConfig fleet(FleetConfig f) {
            if (f == null) {
                return null;
            }
            if (f.name() == null || !SOURCE_NAME.matcher(f.name()).matches() || f.name().length() > 60) {
                throw error("fleet.name", "is required: letters, digits, '.', '_' or '-' (at most 60), e.g. prod");
            }
            if (f.jdbcUrl() == null || !(f.jdbcUrl().startsWith("jdbc:mariadb://") || f.jdbcUrl().startsWith("jdbc:mysql://"))) {
                throw error("fleet.jdbc-url", "is required, like jdbc:mariadb://127.0.0.1:3306/cfs_backup");
            }
            if (f.user() == null || f.user().isBlank()) {
                throw error("fleet.user", "is required (the database user the nodes share)");
            }
            if (f.passwordFile() == null || f.passwordFile().isBlank()) {
                throw error("fleet.password-file", "is required (a file holding the database user's password)");
            }
            String checkin = f.checkinInterval() == null ? "7s" : f.checkinInterval();
            if (!DURATION.matcher(checkin).matches()) {
                throw error("fleet.checkin-interval", "'" + checkin + "' is not a duration like 7s or 1m");
            }
            return new FleetConfig(f.name(), f.jdbcUrl(), f.user(), f.passwordFile(), checkin);
        }

        /** {@code web:} (issue 17): absent means no console; a non-loopback listen needs allow-remote. */
        private WebConfig web(WebConfig w) {
            if (w == null) {
                return null;
            }
            String listen = w.listen() == null ? WebConfig.DEFAULT_LISTEN : w.listen();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\[[0-9a-fA-F:]+\\]|[A-Za-z0-9.-]+):(\\d{1,5})")
                    .matcher(listen);
            if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
                throw error("web.listen", "'" + listen + "' must be an address and port, like 127.0.0.1:8321");
            }
            if (w.passwordFile() == null || w.passwordFile().isBlank()) {
                throw error("web.password-file", "is required (a file holding the console's password)");
            }
            readableFile("web.password-file", w.passwordFile());
            WebConfig v = new WebConfig(listen, w.passwordFile(), Boolean.TRUE.equals(w.allowRemote()),
                    Boolean.TRUE.equals(w.tlsProxy()));
            if (!v.loopback() && !v.remoteAllowed()) {
                throw error("web.listen", "'" + listen + "' is not a loopback address: the console can read every "
                        + "backed-up secret; set web.allow-remote: true to serve it there (or use an SSH tunnel)");
            }
            return v;
        }

        private static String localHostName() {
            try {
                String h = Files.readString(Path.of("/etc/hostname")).trim();
                if (!h.isEmpty()) {
                    return h;
                }
            } catch (IOException e) {
                // fall through to the resolver
            }
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "localhost";
            }
        }

        private void credentialName(String key, String name) {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
                throw error(key, "'" + name + "' is not a credential name (letters, digits, '.', '_', '-')");
            }
        }

        private void readableFile(String key, String value) {
            Path p = Path.of(value);
            if (!Files.exists(p)) {
                throw error(key, "file " + value + " does not exist");
            }
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw error(key, "file " + value + " is not a readable file");
            }
        }

        private Path path(String key, String value, String dflt) {
            String v = value == null ? dflt : value;
            if (v == null || !v.startsWith("/")) {
                throw error(key, "'" + v + "' must be an absolute path");
            }
            return Path.of(v).normalize();
        }

        private List<SourceConfig> sources(List<SourceConfig> list) {
            Set<String> names = new HashSet<>();
            List<SourceConfig> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                SourceConfig s = list.get(i);
                String k = "sources[" + i + "]";
                if (s == null) {
                    throw error(k, "empty source");
                }
                if (s.name() == null || s.name().isBlank()) {
                    throw error(k, "a source needs a name");
                }
                if (!SOURCE_NAME.matcher(s.name()).matches()) {
                    throw error(k + ".name", "'" + s.name() + "' may hold only letters, digits, '.', '_' and '-'");
                }
                if (org.cfs.backup.restic.Snapshot.RESERVED_TAGS.contains(s.name())) {
                    throw error(k + ".name", "'" + s.name() + "' is a tag cfs-backup gives its own snapshots: choose another name");
                }
                if (!names.add(s.name())) {
                    throw error(k + ".name", "duplicate source name '" + s.name() + "'");
                }
                List<String> kinds = new ArrayList<>();
                if (s.volume() != null) {
                    kinds.add("volume");
                }
                if (s.path() != null) {
                    kinds.add("path");
                }
                if (s.paths() != null) {
                    kinds.add("paths");
                }
                if (s.command() != null) {
                    kinds.add("command");
                }
                if (kinds.size() != 1) {
                    throw error(k, "source '" + s.name() + "' needs exactly one of volume, path, paths, command (found "
                            + (kinds.isEmpty() ? "none" : String.join(" and ", kinds)) + ")");
                }
                if (s.volume() != null && s.volume().isBlank()) {
                    throw error(k + ".volume", "is empty");
                }
                for (String p : s.allPaths()) {
                    if (p == null || !p.startsWith("/")) {
                        throw error(k + (s.path() != null ? ".path" : ".paths"), "'" + p + "' must be an absolute path");
                    }
                }
                if (s.paths() != null && s.paths().isEmpty()) {
                    throw error(k + ".paths", "is empty");
                }
                if (s.command() != null && (s.command().isEmpty() || s.command().get(0).isBlank())) {
                    throw error(k + ".command", "is empty");
                }
                if (s.consistency() != null && s.volume() == null) {
                    throw error(k + ".consistency", "applies to volume sources only");
                }
                if (s.stdinFilename() != null && s.command() == null) {
                    throw error(k + ".stdin-filename", "applies to command sources only");
                }
                if (s.stdinFilename() != null && (s.stdinFilename().isBlank() || s.stdinFilename().startsWith("/")
                        || s.stdinFilename().contains(".."))) {
                    throw error(k + ".stdin-filename", "'" + s.stdinFilename() + "' must be a relative file name");
                }
                if (s.exclude() != null && s.command() != null) {
                    throw error(k + ".exclude", "does not apply to command sources");
                }
                if (s.drillCommand() != null && s.command() == null) {
                    throw error(k + ".drill-command", "applies to command sources only");
                }
                hook(k + ".before", s.before());
                hook(k + ".after", s.after());
                hook(k + ".drill-command", s.drillCommand());
                if (s.restoreCommand() != null && s.command() == null) {
                    throw error(k + ".restore-command", "applies to command sources only");
                }
                hook(k + ".restore-command", s.restoreCommand());
                bootDrill(k + ".boot-drill", s);
                stopTimeout(k + ".stop-timeout", s);
                out.add(s);
            }
            return List.copyOf(out);
        }

        /** {@code stop-timeout} of one source (issue 14): a duration, at most an hour, volume sources only. */
        private void stopTimeout(String key, SourceConfig s) {
            if (s.stopTimeout() == null) {
                return;
            }
            if (s.volume() == null) {
                throw error(key, "applies to volume sources only (the containers using the volume are stopped)");
            }
            java.time.Duration d;
            try {
                d = Durations.parse(s.stopTimeout());
            } catch (IllegalArgumentException e) {
                throw error(key, e.getMessage());
            }
            if (d.toSeconds() > 3600) {
                throw error(key, s.stopTimeout() + " is more than an hour (the containers stay down that long)");
            }
        }

        /** {@code boot-drill:} of one source (issue 16). */
        private void bootDrill(String key, SourceConfig s) {
            BootDrillConfig b = s.bootDrill();
            if (b == null) {
                return;
            }
            if (b.container() != null && (s.volume() == null || b.container().isBlank())) {
                throw error(key + ".container", s.volume() == null ? "applies to volume sources only"
                        : "is empty (name the container whose copy the boot drill starts)");
            }
            hook(key + ".probe", b.probe());
            if (b.probe() != null && s.volume() == null) {
                throw error(key + ".probe", "applies to volume sources only (it runs in the drill's container)");
            }
            String[][] durations = {{"timeout", b.timeout()}, {"settle", b.settle()}, {"max-age", b.maxAge()}};
            for (String[] d : durations) {
                if (d[1] == null) {
                    continue;
                }
                java.time.Duration v;
                try {
                    v = BootDrillConfig.parse(d[1]);
                } catch (IllegalArgumentException e) {
                    throw error(key + "." + d[0], e.getMessage());
                }
                if (v.isZero()) {
                    throw error(key + "." + d[0], "must be more than zero");
                }
            }
            if (b.settle() != null && b.timeout() != null && b.settleDuration().compareTo(b.timeoutDuration()) > 0) {
                throw error(key + ".settle", b.settle() + " is longer than timeout " + b.timeoutDuration().toSeconds() + "s");
            }
        }

        private void hook(String key, List<String> argv) {
            if (argv != null && (argv.isEmpty() || argv.get(0).isBlank())) {
                throw error(key, "is empty (give an argument list like [/usr/local/bin/script, arg])");
            }
        }

        private RetentionConfig retention(RetentionConfig r) {
            Integer[] values = {r.keepLast(), r.keepHourly(), r.keepDaily(), r.keepWeekly(), r.keepMonthly(), r.keepYearly()};
            String[] keys = {"keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly"};
            boolean any = r.keepWithin() != null;
            for (int i = 0; i < values.length; i++) {
                if (values[i] != null) {
                    if (values[i] < 0) {
                        throw error("retention." + keys[i], "must not be negative");
                    }
                    any |= values[i] > 0;
                }
            }
            if (r.keepWithin() != null && !KEEP_WITHIN.matcher(r.keepWithin()).matches()) {
                throw error("retention.keep-within", "'" + r.keepWithin() + "' is not a duration like 30d or 1y6m");
            }
            if (!any) {
                throw error("retention", "keeps nothing: set at least one keep-* above zero");
            }
            return r;
        }

        private ScheduleConfig schedule(ScheduleConfig s) {
            ScheduleConfig d = ScheduleConfig.defaults();
            if (s == null) {
                return d;
            }
            return new ScheduleConfig(
                    cron("schedule.backup", s.backup(), d.backup()),
                    cron("schedule.prune", s.prune(), d.prune()),
                    cron("schedule.check", s.check(), d.check()),
                    cron("schedule.drill", s.drill(), d.drill()),
                    cron("schedule.quota", s.quota(), d.quota()),
                    cron("schedule.audit", s.audit(), d.audit()),
                    cron("schedule.boot-drill", s.bootDrill(), d.bootDrill()));
        }

        private String cron(String key, String value, String dflt) {
            if (value == null) {
                return dflt;
            }
            try {
                return Cron.toQuartz(value);
            } catch (IllegalArgumentException e) {
                throw error(key, e.getMessage());
            }
        }

        private QuotaConfig quota(QuotaConfig q) {
            QuotaConfig d = QuotaConfig.defaults();
            String warn = q == null || q.warnFree() == null ? d.warnFree() : q.warnFree();
            String crit = q == null || q.criticalFree() == null ? d.criticalFree() : q.criticalFree();
            long w;
            long c;
            try {
                w = Size.parse(warn);
            } catch (IllegalArgumentException e) {
                throw error("quota.warn-free", e.getMessage());
            }
            try {
                c = Size.parse(crit);
            } catch (IllegalArgumentException e) {
                throw error("quota.critical-free", e.getMessage());
            }
            if (c > w) {
                throw error("quota.critical-free", crit + " is more than warn-free " + warn);
            }
            return new QuotaConfig(warn, crit, q == null || q.enabled() == null || q.enabled());
        }

        private List<AlertConfig> alerts(List<AlertConfig> list) {
            for (int i = 0; i < list.size(); i++) {
                AlertConfig a = list.get(i);
                String k = "alerts[" + i + "]";
                if (a == null) {
                    throw error(k, "empty alert channel");
                }
                int n = (a.webhook() != null ? 1 : 0) + (a.ntfy() != null ? 1 : 0)
                        + (a.healthchecks() != null ? 1 : 0) + (a.email() != null ? 1 : 0);
                if (n != 1) {
                    throw error(k, "needs exactly one of webhook, ntfy, healthchecks, email");
                }
                url(k + ".webhook", a.webhook());
                url(k + ".ntfy", a.ntfy());
                url(k + ".healthchecks", a.healthchecks());
                if (a.email() != null) {
                    if (a.email().to() == null || !a.email().to().contains("@")) {
                        throw error(k + ".email.to", "needs an e-mail address");
                    }
                    if (a.email().smtp() == null || !a.email().smtp().matches("smtps?://[^/]+/?")) {
                        throw error(k + ".email.smtp", "needs a URL like smtp://host:25 or smtps://host:465");
                    }
                    if (a.email().passwordFile() != null) {
                        readableFile(k + ".email.password-file", a.email().passwordFile());
                    }
                    // SMTP AUTH needs both; one without the other would silently send without logging in
                    if ((a.email().username() == null) != (a.email().passwordFile() == null)) {
                        throw error(k + ".email", "username and password-file go together (SMTP AUTH)");
                    }
                }
            }
            return List.copyOf(list);
        }

        private void url(String key, String value) {
            if (value == null) {
                return;
            }
            // never echo the value: ping URLs, ntfy tokens and webhook keys are secrets
            try {
                URI u = new URI(value);
                if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                    throw error(key, "is not an http(s) URL (" + (u.getScheme() == null ? "no scheme"
                            : "scheme '" + u.getScheme() + "'") + "); the value is not shown, it may hold a token");
                }
                if (u.getHost() == null) {
                    throw error(key, "is not an http(s) URL (no host); the value is not shown, it may hold a token");
                }
            } catch (java.net.URISyntaxException e) {
                throw error(key, "is not a URL (" + e.getReason() + " at index " + e.getIndex()
                        + "); the value is not shown, it may hold a token");
            }
        }

        private AuditConfig audit(AuditConfig a) {
            AuditConfig d = AuditConfig.defaults();
            if (a == null) {
                return d;
            }
            List<String> ws = a.workspaces() == null ? d.workspaces() : a.workspaces();
            List<String> pp = a.protectedPaths() == null ? d.protectedPaths() : a.protectedPaths();
            List<AuditConfig.Allow> allow = a.allow() == null ? List.of() : a.allow();
            for (int i = 0; i < ws.size(); i++) {
                if (ws.get(i) == null || !ws.get(i).startsWith("/")) {
                    throw error("audit.workspaces[" + i + "]", "must be an absolute path");
                }
            }
            for (int i = 0; i < pp.size(); i++) {
                if (pp.get(i) == null || !pp.get(i).startsWith("/")) {
                    throw error("audit.protected-paths[" + i + "]", "must be an absolute path");
                }
            }
            for (int i = 0; i < allow.size(); i++) {
                AuditConfig.Allow al = allow.get(i);
                if (al.rule() == null || al.subject() == null || al.reason() == null || al.reason().isBlank()) {
                    throw error("audit.allow[" + i + "]", "needs rule, subject and reason");
                }
            }
            return new AuditConfig(List.copyOf(ws), List.copyOf(pp), List.copyOf(allow));
        }
    }

    /** The YAML as written, before defaults and checks. */
    record RawConfig(
            String host,
            RepositoryConfig repository,
            RcloneConfig rclone,
            String stateDir,
            String logDir,
            String cacheDir,
            List<SourceConfig> sources,
            RetentionConfig retention,
            ScheduleConfig schedule,
            QuotaConfig quota,
            List<AlertConfig> alerts,
            AuditConfig audit,
            String metricsFile,
            String staleAfter,
            Integer checkSubsets,
            String metricsListen,
            FleetConfig fleet,
            // issue 15 (Debian service)
            String credentialsDir,
            // issue 17 (web console)
            WebConfig web) {
    }
}
