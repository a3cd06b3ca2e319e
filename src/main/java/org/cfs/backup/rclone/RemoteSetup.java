package org.cfs.backup.rclone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;

/**
 * Writes (or updates) the Google Drive remote with the operator's own OAuth client, through rclone
 * itself: its remote-control API ({@link RcServer}) so that the client secret and the token pass in
 * a request body, never on a command line. Defaults: scope {@code drive.file}, {@code use_trash =
 * false} (so prune frees quota); the config file stays mode 0600 and, when it was, encrypted.
 */
public final class RemoteSetup {
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*\\.apps\\.googleusercontent\\.com");
    private static final Pattern DRIVE_ID = Pattern.compile("[A-Za-z0-9_-]{1,200}");
    public static final List<String> SCOPES = List.of("drive.file", "drive");
    /** How many follow-up questions of rclone's config state machine are answered before giving up. */
    private static final int MAX_QUESTIONS = 5;

    private final Rclone rclone;
    private final String remote;

    public RemoteSetup(Rclone rclone, String remote) {
        if (remote == null || remote.isBlank()) {
            throw CfsException.usage("rclone.remote is not set in the config: name the Drive remote to write");
        }
        if (rclone.config() == null) {
            throw CfsException.usage("rclone.config is not set in the config: name the rclone config file to write");
        }
        this.rclone = rclone;
        this.remote = Rclone.remoteName(remote);
    }

    /** What happened: written, or only the authorize line to run (nothing written). */
    public record Outcome(boolean written, boolean created, String remote, String scope, Path config, boolean encrypted) {
    }

    /** Checks every value; throws a usage error (exit 2) naming the first bad one. Returns the parsed token, or null. */
    public static JsonNode validate(SetupRequest r) {
        if (r.clientId() == null || !CLIENT_ID.matcher(r.clientId().strip()).matches()) {
            throw CfsException.usage("--client-id must look like NNNN-xxxx.apps.googleusercontent.com (the OAuth client"
                    + " ID from the Google Cloud console)");
        }
        if (r.clientSecret() == null || r.clientSecret().isBlank()) {
            throw CfsException.usage("--client-secret is empty");
        }
        if (r.clientSecret().strip().chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw CfsException.usage("--client-secret contains whitespace: copy it again from the Google Cloud console");
        }
        if (r.scope() != null && !SCOPES.contains(r.scope())) {
            throw CfsException.usage("--scope must be drive.file or drive, not '" + r.scope() + "'");
        }
        if (r.rootFolderId() != null && !DRIVE_ID.matcher(r.rootFolderId()).matches()) {
            throw CfsException.usage("--root-folder-id is not a Drive folder ID (letters, digits, '-' and '_')");
        }
        if (r.teamDrive() != null && !DRIVE_ID.matcher(r.teamDrive()).matches()) {
            throw CfsException.usage("--team-drive is not a shared drive ID (letters, digits, '-' and '_')");
        }
        return r.tokenFile() == null ? null : readToken(r.tokenFile());
    }

    /** Reads rclone's token JSON; the message never quotes the file's content. */
    static JsonNode readToken(Path file) {
        String text;
        try {
            text = Files.readString(file).strip();
        } catch (IOException e) {
            throw CfsException.usage("--token-file " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
        // rclone authorize prints the JSON between arrows; accept the pasted block as it is
        int open = text.indexOf('{');
        int close = text.lastIndexOf('}');
        if (open < 0 || close < open) {
            throw CfsException.usage("--token-file " + file + " is not rclone's token JSON (no JSON object)");
        }
        JsonNode n;
        try {
            n = Rclone.JSON.readTree(text.substring(open, close + 1));
        } catch (IOException e) {
            throw CfsException.usage("--token-file " + file + " is not rclone's token JSON (not valid JSON)");
        }
        for (String field : List.of("access_token", "refresh_token", "expiry")) {
            if (!n.hasNonNull(field) || n.get(field).asText().isBlank()) {
                throw CfsException.usage("--token-file " + file + " is not rclone's token JSON: '" + field + "' is missing");
            }
        }
        return n;
    }

    /**
     * The line to run on a machine with a browser. It holds the client secret: print it only to the
     * operator's terminal, never to a log.
     */
    public static String authorizeLine(String clientId, String clientSecret) {
        return "rclone authorize \"drive\" \"" + clientId.strip() + "\" \"" + clientSecret.strip() + "\"";
    }

    /** Validates, then writes the remote when a token is given; without one writes nothing. */
    public Outcome run(SetupRequest r) {
        JsonNode token = validate(r);
        String scope = r.scope() == null ? "drive.file" : r.scope();
        Path config = rclone.config();
        if (token == null) {
            return new Outcome(false, false, remote, scope, config, isEncrypted(config));
        }
        if (rclone.configPasswordFile() == null && isEncrypted(config)) {
            throw CfsException.usage("rclone config " + config + " is encrypted but rclone.config-password-file is not set");
        }
        // an existing remote of another type would be silently turned into a Drive remote: refuse
        Map<String, String> existing = Files.exists(config) ? rclone.dump().get(remote) : null;
        if (existing != null && !"drive".equals(existing.get("type"))) {
            throw CfsException.usage("remote '" + remote + "' in " + config + " is of type " + existing.get("type")
                    + ", not drive: choose another rclone.remote or remove it first");
        }
        boolean wasEncrypted = isEncrypted(config);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("client_id", r.clientId().strip());
        params.put("client_secret", r.clientSecret().strip());
        params.put("scope", scope);
        params.put("use_trash", "false");
        params.put("token", token.toString());
        // the token came from `rclone authorize`: do not open a browser for a new one
        params.put("config_refresh_token", "false");
        if (r.rootFolderId() != null) {
            params.put("root_folder_id", r.rootFolderId());
        }
        if (r.teamDrive() != null) {
            params.put("team_drive", r.teamDrive());
        }
        try {
            Files.createDirectories(config.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw CfsException.failed("cannot create the folder of " + config + ": " + e.getClass().getSimpleName());
        }
        try (RcServer rc = RcServer.start(rclone)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", remote);
            if (existing == null) {
                body.put("type", "drive");
            }
            body.put("parameters", params);
            body.put("opt", Map.of("nonInteractive", true, "obscure", true));
            JsonNode answer = rc.call(existing == null ? "config/create" : "config/update", body);
            answerFollowUps(rc, answer);
        }
        secure(config);
        if (wasEncrypted && !isEncrypted(config)) {
            throw CfsException.failed("rclone wrote " + config + " unencrypted: check rclone.config-password-file");
        }
        Map<String, String> written = rclone.dump().get(remote);
        if (written == null || !"drive".equals(written.get("type")) || !r.clientId().strip().equals(written.get("client_id"))) {
            throw CfsException.failed("rclone did not write the remote '" + remote + "' as asked");
        }
        return new Outcome(true, existing == null, remote, scope, config, isEncrypted(config));
    }

    /**
     * rclone's config state machine asks follow-up questions even in non-interactive mode; the
     * Drive backend asks whether to configure (or change) a shared drive. It is answered "false":
     * keep what the parameters set ({@code team_drive} as given, or none). Any other question is
     * unexpected and reported.
     */
    private void answerFollowUps(RcServer rc, JsonNode answer) {
        JsonNode a = answer;
        for (int i = 0; i < MAX_QUESTIONS; i++) {
            String state = a.path("State").asText("");
            if (state.isEmpty()) {
                if (!a.path("Error").asText("").isEmpty()) {
                    throw CfsException.failed("rclone refused the Drive settings: " + DriveError.reason(a.path("Error").asText()));
                }
                return;
            }
            String question = a.path("Option").path("Name").asText("");
            if (!question.equals("config_change_team_drive")) {
                throw CfsException.failed("rclone asked an unexpected question while writing the remote: " + question);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", remote);
            body.put("parameters", Map.of());
            body.put("opt", Map.of("nonInteractive", true, "continue", true, "state", state, "result", "false"));
            a = rc.call("config/update", body);
        }
        throw CfsException.failed("rclone kept asking questions while writing the remote");
    }

    static boolean isEncrypted(Path config) {
        try {
            return Files.isRegularFile(config) && Files.readString(config).contains("RCLONE_ENCRYPT_V0:");
        } catch (IOException e) {
            return false;
        }
    }

    /** The config holds the client secret and token: owner-only, whatever the umask was. */
    static void secure(Path config) {
        try {
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            throw CfsException.failed("cannot make " + config + " mode 0600: " + e.getClass().getSimpleName());
        }
    }
}
