package org.cfs.backup.backup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cfs.backup.CfsException;
import org.cfs.backup.config.Config;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.restic.BackupRequest;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.state.AtomicFiles;
import org.cfs.backup.state.AuditLog;

/**
 * The repository describes itself: after a backup run, cfs-backup's own config file is saved as a
 * small stdin snapshot tagged {@value Snapshot#CONFIG_TAG} (and {@code sha256-HASH}), only when it
 * changed, so that {@code recover} can rebuild a lost host's config from the repository alone.
 *
 * <p>What is saved is the config file itself: it names secret <em>files</em> (their paths are kept,
 * their contents never read). The values a config can hold inline are redacted before saving:
 * the password of any URL's user-info ({@code smtp://user:PASS@host}, {@code rest:https://u:PASS@...})
 * and URL query parameters named like a secret ({@code token}, {@code key}, {@code secret},
 * {@code password}, {@code auth}, {@code sig}...). Addresses that are only hard to guess, such as a
 * healthchecks ping UUID or an ntfy topic, are kept: without them the recovered host cannot alert,
 * and they grant no more than a ping.
 */
public final class ConfigSnapshot {
    /** The name the config gets inside its snapshot. */
    public static final String FILENAME = "cfs-backup/config.yaml";
    /** What a redacted value is replaced with; {@code recover} names the lines that hold it. */
    public static final String REDACTED = "<redacted>";
    static final String HASH_PREFIX = "sha256-";
    static final String STATE_FILE = "cfs-config.sha256";

    private static final Pattern URL_PASSWORD = Pattern.compile("(\\b[A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@\"'#]*):([^@\\s\"'/]+)@");
    private static final Pattern SECRET_QUERY = Pattern.compile(
            "([?&](?i:[a-z_-]*(?:token|key|secret|password|passwd|pass|auth|sig|signature|credential)[a-z_-]*)=)([^&\\s\"'#]+)");

    private final Config config;
    private final Restic restic;
    private final AuditLog auditLog;
    private final Consumer<String> log;

    public ConfigSnapshot(Config config, Restic restic, AuditLog auditLog, Consumer<String> log) {
        this.config = config;
        this.restic = restic;
        this.auditLog = auditLog;
        this.log = log;
    }

    /** The config text as it is saved: inline secret values replaced by {@value #REDACTED}. */
    public static String redact(String yaml) {
        String out = URL_PASSWORD.matcher(yaml).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":" + REDACTED + "@"));
        return SECRET_QUERY.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + REDACTED));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What {@link #save} did: "saved" (with the snapshot id), "unchanged", or "skipped" (no config file). */
    public record Outcome(String result, String snapshotId) {
    }

    /**
     * Saves the config when it differs from the last one saved by this host (the hash kept in the
     * state dir, else the newest {@value Snapshot#CONFIG_TAG} snapshot's hash tag).
     */
    public Outcome save() {
        return save(null);
    }

    /**
     * {@link #save()} with this host's snapshots already listed by the run (null: ask restic), so
     * that a run that looked at the repository before its sources pays no second restic start.
     */
    Outcome save(List<Snapshot> known) {
        Path file = config.file();
        if (file == null || !Files.isRegularFile(file)) {
            return new Outcome("skipped", null);
        }
        String text;
        try {
            text = redact(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw CfsException.failed("cannot read the config " + file + " to save it: " + e.getMessage());
        }
        String hash = sha256(text);
        Path state = config.stateDir().resolve(STATE_FILE);
        String kept = null;
        try {
            kept = Files.isRegularFile(state) ? Files.readString(state).strip() : null;
        } catch (IOException e) {
            // then the repository decides
        }
        if (hash.equals(kept)) {
            return new Outcome("unchanged", null);
        }
        List<Snapshot> configs = known != null ? known : restic.snapshots(config.host(), List.of(Snapshot.CONFIG_TAG));
        Snapshot newest = configs.stream()
                .filter(Snapshot::isConfigSnapshot).max(Comparator.comparing(Snapshot::time)).orElse(null);
        String id;
        if (newest != null && newest.hasTag(HASH_PREFIX + hash)) {
            id = null;
        } else {
            Restic.BackupOutcome o = restic.backup(new BackupRequest(config.host(), List.of(Snapshot.CONFIG_TAG,
                    HASH_PREFIX + hash), List.of(), List.of(), FILENAME, null, false), null,
                    new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            id = o.summary().snapshotId();
        }
        try {
            Files.createDirectories(config.stateDir());
            AtomicFiles.write(state, hash + "\n");
        } catch (IOException e) {
            log.accept("could not keep the config's hash in " + state + ": " + e.getMessage());
        }
        return new Outcome(id == null ? "unchanged" : "saved", id);
    }

    /** {@link #save} for the end of a backup run or a new repository: a failure is said (stderr, audit log), never fails the run. */
    public Outcome saveAfterBackup(List<Snapshot> known) {
        try {
            Outcome o = save(known);
            if ("saved".equals(o.result())) {
                log.accept("saved the config as snapshot " + o.snapshotId() + " (tagged " + Snapshot.CONFIG_TAG + ")");
                auditLog.record("config-snapshot", "ok", "snapshot=" + o.snapshotId());
            }
            return o;
        } catch (CancelledException e) {
            throw e;
        } catch (CfsException e) {
            log.accept("could not save the config in the repository (" + Snapshot.CONFIG_TAG + "): " + e.getMessage());
            auditLog.record("config-snapshot", "failed", "error=\"" + e.getMessage() + "\"");
            return new Outcome("failed", null);
        }
    }
}
