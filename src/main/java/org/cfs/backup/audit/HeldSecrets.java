package org.cfs.backup.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cfs.backup.config.Config;

/**
 * The secret values cfs-backup holds (restic password, rclone config password, credentials in a
 * plain rclone.conf), kept only to recognise them elsewhere. Never printed: {@link #toString}
 * and every message name the secret's label, not its value.
 */
public final class HeldSecrets {
    /** A secret shorter than this is compared for equality only; longer ones also as a substring. */
    static final int SUBSTRING_MIN = 8;
    private static final Set<String> RCLONE_SECRET_KEYS = Set.of("pass", "password", "password2", "client_secret",
            "token", "secret_access_key", "session_token", "account_key", "sas_url", "bearer_token",
            "service_account_credentials", "key");
    private static final Pattern TOKEN_PART = Pattern.compile("\"(?:access_token|refresh_token)\"\\s*:\\s*\"([^\"]+)\"");

    /** One secret and what it is (for messages). */
    record Secret(String label, String value) {
        @Override
        public String toString() {
            return label;
        }
    }

    private final List<Secret> secrets;
    private final List<String> unreadable;

    HeldSecrets(List<Secret> secrets, List<String> unreadable) {
        this.secrets = List.copyOf(secrets);
        this.unreadable = List.copyOf(unreadable);
    }

    public static HeldSecrets load(Config config) {
        List<Secret> s = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        addFile(s, unreadable, "cfs-backup's restic repository password", config.repository().passwordFile());
        addFile(s, unreadable, "cfs-backup's rclone config password", config.rclone().configPasswordFile());
        String rcloneConf = config.rclone().config();
        if (rcloneConf != null && Files.isReadable(Path.of(rcloneConf))) {
            try {
                addRcloneConf(s, Files.readAllLines(Path.of(rcloneConf), StandardCharsets.UTF_8));
            } catch (IOException | java.io.UncheckedIOException e) {
                unreadable.add(rcloneConf);
            }
        }
        return new HeldSecrets(s, unreadable);
    }

    private static void addFile(List<Secret> s, List<String> unreadable, String label, String file) {
        if (file == null) {
            return;
        }
        try {
            String v = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            // restic and rclone drop the trailing newline (and surrounding blanks) of a password file
            add(s, label, v.strip());
        } catch (IOException e) {
            unreadable.add(file);
        }
    }

    static void addRcloneConf(List<Secret> s, List<String> lines) {
        if (!lines.isEmpty() && lines.get(0).startsWith("# Encrypted rclone configuration")) {
            return;
        }
        String section = "";
        for (String l : lines) {
            String t = l.strip();
            if (t.startsWith("[") && t.endsWith("]")) {
                section = t.substring(1, t.length() - 1);
                continue;
            }
            int eq = t.indexOf('=');
            if (eq <= 0 || t.startsWith("#") || t.startsWith(";")) {
                continue;
            }
            String key = t.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = t.substring(eq + 1).strip();
            if (!RCLONE_SECRET_KEYS.contains(key)) {
                continue;
            }
            String label = "the " + key + " of rclone remote '" + section + "'";
            add(s, label, value);
            if (key.equals("token")) {
                Matcher m = TOKEN_PART.matcher(value);
                while (m.find()) {
                    add(s, label, m.group(1));
                }
            }
        }
    }

    private static void add(List<Secret> s, String label, String value) {
        if (value != null && value.length() >= 4) {
            s.add(new Secret(label, value));
        }
    }

    /** The label of the held secret that {@code value} equals (or contains, for long secrets), or null. */
    public String match(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        for (Secret s : secrets) {
            if (value.equals(s.value()) || value.strip().equals(s.value())
                    || (s.value().length() >= SUBSTRING_MIN && value.contains(s.value()))) {
                return s.label();
            }
        }
        return null;
    }

    /** Secret files that could not be read (their values cannot be recognised in containers). */
    public List<String> unreadable() {
        return unreadable;
    }

    public int size() {
        return secrets.size();
    }

    @Override
    public String toString() {
        return "HeldSecrets" + secrets;
    }
}
