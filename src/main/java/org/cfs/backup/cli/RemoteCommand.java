package org.cfs.backup.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.Size;
import org.cfs.backup.rclone.RemoteSetup;
import org.cfs.backup.rclone.RemoteVerifier;
import org.cfs.backup.rclone.SetupRequest;
import org.cfs.backup.rclone.VerifyReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code remote setup|verify}: the Google Drive remote with the operator's own OAuth client. */
@Command(name = "remote", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, description = "Set up and verify the Google Drive remote.",
        subcommands = {RemoteCommand.Setup.class, RemoteCommand.Verify.class})
final class RemoteCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: setup or verify");
    }

    /** {@code remote setup}: writes the Drive remote through rclone, or prints the authorize line. */
    @Command(name = "setup", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, description = "Write the Drive remote (rclone.remote) with your own OAuth client, through rclone."
            + " With no options on a terminal, asks for each value.")
    static final class Setup extends BaseCommand {
        @Option(names = "--client-id", paramLabel = "ID", description = "OAuth client ID (....apps.googleusercontent.com).")
        String clientId;

        @Option(names = "--client-secret", paramLabel = "SECRET", description = "OAuth client secret (prefer --client-secret-file"
                + " or the guided prompt: a command line is visible to other processes).")
        String clientSecret;

        @Option(names = "--client-secret-file", paramLabel = "FILE", description = "File holding the OAuth client secret.")
        Path clientSecretFile;

        @Option(names = "--token-file", paramLabel = "FILE", description = "The token JSON printed by 'rclone authorize'.")
        Path tokenFile;

        @Option(names = "--scope", paramLabel = "SCOPE", description = "drive.file (default: sees only what cfs-backup wrote) or drive.")
        String scope;

        @Option(names = "--root-folder-id", paramLabel = "ID", description = "Drive folder to use as the remote's root.")
        String rootFolderId;

        @Option(names = "--team-drive", paramLabel = "ID", description = "Shared drive ID.")
        String teamDrive;

        @Override
        public Integer call() {
            Prompts console = root().prompts();
            boolean noFlags = clientId == null && clientSecret == null && clientSecretFile == null && tokenFile == null
                    && scope == null && rootFolderId == null && teamDrive == null;
            if (noFlags && console.available()) {
                prompt(console);
            }
            if (clientSecret != null && clientSecretFile != null) {
                throw CfsException.usage("give --client-secret or --client-secret-file, not both");
            }
            if (clientSecretFile != null) {
                try {
                    clientSecret = Files.readString(clientSecretFile).strip();
                } catch (IOException e) {
                    throw CfsException.usage("--client-secret-file " + clientSecretFile + " cannot be read: "
                            + e.getClass().getSimpleName());
                }
            }
            if (clientId == null || clientSecret == null) {
                throw CfsException.usage("--client-id and --client-secret are required (or run 'remote setup' with no"
                        + " options on a terminal to be asked)");
            }
            SetupRequest req = new SetupRequest(clientId, clientSecret, tokenFile, scope, rootFolderId, teamDrive);
            RemoteSetup.validate(req);
            Services s = services();
            Config c = s.config();
            RemoteSetup setup = new RemoteSetup(s.rclone(), c.rclone().remote());
            RemoteSetup.Outcome o = setup.run(req);
            if (!o.written()) {
                printAuthorize(System.console() != null); // the secret is shown only on a real terminal
                s.auditLog().record("remote-setup", "authorize", "remote=" + o.remote() + " nothing written");
                return ExitCode.OK;
            }
            out().printf(Locale.ROOT, "remote %s %s in %s (scope %s, use_trash false, mode 0600%s)%n", o.remote(),
                    o.created() ? "written" : "updated", o.config(), o.scope(), o.encrypted() ? ", encrypted" : "");
            out().println("Check it with: cfs-backup remote verify");
            s.auditLog().record("remote-setup", "ok", "remote=" + o.remote() + " scope=" + o.scope()
                    + (o.created() ? " created" : " updated"));
            return ExitCode.OK;
        }

        /**
         * The one place the client secret is shown, and only to a terminal: when stdout may be a log
         * (not a terminal), a placeholder stands in for it.
         */
        private void printAuthorize(boolean terminal) {
            String line = RemoteSetup.authorizeLine(clientId, terminal ? clientSecret : "YOUR_CLIENT_SECRET");
            out().println("Not authorized yet: nothing was written.");
            out().println("On a machine with a web browser and rclone, run:");
            out().println();
            out().println("    " + line);
            out().println();
            if (!terminal) {
                out().println("(stdout is not a terminal, so the client secret is left out: put yours in its place.)");
            }
            out().println("Sign in with the Google account whose Drive holds the backups. rclone then prints a token:");
            out().println("the JSON between the arrows ({\"access_token\":...}). Save that JSON to a file on this host");
            out().println("(chmod 600), then run again with it:");
            out().println();
            out().println("    cfs-backup remote setup --client-id " + clientId.strip()
                    + " --client-secret-file SECRET_FILE --token-file TOKEN_FILE"
                    + (scope == null ? "" : " --scope " + scope)
                    + (rootFolderId == null ? "" : " --root-folder-id " + rootFolderId)
                    + (teamDrive == null ? "" : " --team-drive " + teamDrive));
            out().flush();
        }

        private void prompt(Prompts console) {
            clientId = ask(console, "OAuth client ID (....apps.googleusercontent.com)", null);
            char[] secret = console.readPassword("OAuth client secret (not shown): ");
            clientSecret = secret == null ? null : new String(secret);
            String token = ask(console, "Token file from 'rclone authorize' (empty: not authorized yet)", "");
            tokenFile = token.isBlank() ? null : Path.of(token.strip());
            scope = ask(console, "Scope, drive.file or drive", "drive.file");
            String root = ask(console, "Root folder ID (empty: the Drive's root)", "");
            rootFolderId = root.isBlank() ? null : root.strip();
            String team = ask(console, "Shared drive ID (empty: My Drive)", "");
            teamDrive = team.isBlank() ? null : team.strip();
        }

        private static String ask(Prompts console, String question, String def) {
            String answer = console.readLine("%s%s: ", question, def == null || def.isEmpty() ? "" : " [" + def + "]");
            if (answer == null) {
                throw CfsException.usage("no answer to: " + question);
            }
            return answer.isBlank() && def != null ? def : answer.strip();
        }
    }

    /** {@code remote verify [--json]}: the checks the host documents ask for. */
    @Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, description = "Check the Drive remote: about answers with no 403, own client ID, token, scope, trash.")
    static final class Verify extends BaseCommand {
        @Option(names = "--json", description = "Print one JSON document on stdout.")
        boolean json;

        @Override
        public Integer call() {
            Services s = services();
            Config c = s.config();
            VerifyReport r = new RemoteVerifier(s.rclone(), c.rclone().remote()).verify();
            s.auditLog().record("remote-verify", r.ok() ? (r.problems().isEmpty() ? "ok" : "warning") : "failed",
                    "remote=" + r.remote() + " problems=" + r.problems().size());
            if (json) {
                JsonOutput.print(out(), r);
                return r.exitCode();
            }
            out().printf(Locale.ROOT, "remote      %s (type %s)%n", r.remote(), r.type() == null ? "-" : r.type());
            out().printf(Locale.ROOT, "client      %s%n", r.ownClient() ? "own: " + r.clientId() : "rclone's shared client");
            out().printf(Locale.ROOT, "scope       %s%n", r.scope() == null ? "-" : r.scope());
            out().printf(Locale.ROOT, "use_trash   %s%n", r.useTrash() == null ? "-" : r.useTrash());
            out().printf(Locale.ROOT, "token       %s%n", r.tokenPresent() ? "present, expiry " + r.tokenExpiry() : "missing");
            if (r.aboutOk() && r.about() != null) {
                out().printf(Locale.ROOT, "about       ok: free %s, used %s, total %s, trashed %s%n", human(r.about().free()),
                        human(r.about().used()), human(r.about().total()), human(r.about().trashed()));
            } else {
                out().println("about       failed");
            }
            for (VerifyReport.Problem p : r.problems()) {
                out().printf(Locale.ROOT, "%s: %s%n  -> %s%n", p.severity(), p.problem(), p.advice());
            }
            out().println(r.ok() ? (r.problems().isEmpty() ? "remote ok" : "remote ok, with warnings") : "remote NOT ok");
            return r.exitCode();
        }

        private static String human(Long v) {
            return v == null ? "-" : Size.human(v);
        }
    }
}
