package org.cfs.backup.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.secrets.Credentials;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code secrets seal NAME [--from FILE|-]}: systemd credentials for the restic and rclone passwords. */
@Command(name = "secrets", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Keep secrets encrypted at rest with systemd credentials.", subcommands = SecretsCommand.Seal.class)
final class SecretsCommand extends BaseCommand {
    static final String DEFAULT_DIR = "/etc/cfs-backup/credentials";

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: seal");
    }

    @Command(name = "seal", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Encrypt a secret with systemd-creds into credentials-dir/NAME.cred (mode 0600) and print the"
                    + " unit's LoadCredentialEncrypted= line. The secret is read from FILE or standard input, never"
                    + " from the command line.")
    static final class Seal extends BaseCommand {
        @Parameters(paramLabel = "NAME", description = "Credential name, as the config names it (e.g. restic-password).")
        String name;

        @Option(names = "--from", paramLabel = "FILE", defaultValue = "-",
                description = "Read the secret from FILE ('-': standard input, the default).")
        String from;

        @Option(names = "--credentials-dir", paramLabel = "DIR",
                description = "Where to write NAME.cred (default: the config's credentials-dir, else " + DEFAULT_DIR + ").")
        Path dir;

        @Override
        public Integer call() throws IOException, InterruptedException {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
                throw CfsException.usage("'" + name + "' is not a credential name (letters, digits, '.', '_', '-')");
            }
            Path target = (dir != null ? dir : credentialsDir(services())).resolve(name + ".cred");
            byte[] secret = readSecret();
            try {
                if (secret.length == 0) {
                    throw CfsException.usage("the secret is empty" + (from.equals("-") ? " (nothing on standard input)" : ": " + from));
                }
                byte[] sealed = encrypt(secret);
                write(target, sealed);
            } finally {
                Arrays.fill(secret, (byte) 0);
            }
            out().println("sealed " + name + " into " + target + " (mode 0600)");
            out().println("add to the unit (systemctl edit cfs-backup):");
            out().println("  [Service]");
            out().println("  LoadCredentialEncrypted=" + name + ":" + target);
            out().println("and name it in the config, e.g. repository.password-credential: " + name);
            out().flush();
            return ExitCode.OK;
        }

        private byte[] readSecret() throws IOException {
            if (from.equals("-")) {
                if (System.console() != null) {
                    char[] typed = System.console().readPassword("secret for %s: ", name);
                    if (typed == null) {
                        return new byte[0];
                    }
                    byte[] b = new String(typed).getBytes(StandardCharsets.UTF_8);
                    Arrays.fill(typed, ' ');
                    return b;
                }
                return System.in.readAllBytes();
            }
            Path f = Path.of(from);
            if (!Files.isRegularFile(f)) {
                throw CfsException.usage("--from " + from + ": no such file");
            }
            return Files.readAllBytes(f);
        }

        /** {@code systemd-creds encrypt --name=NAME - -}: the secret goes by pipe, the sealed bytes come back by pipe. */
        private byte[] encrypt(byte[] secret) throws IOException, InterruptedException {
            Process p;
            try {
                p = new ProcessBuilder(Credentials.SYSTEMD_CREDS, "encrypt", "--name=" + name, "-", "-").start();
            } catch (IOException e) {
                throw new CfsException(ExitCode.FAILED, "systemd-creds not found (install systemd 250 or later)");
            }
            ByteArrayOutputStream sealed = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = new Thread(() -> copy(p.getErrorStream(), err));
            errReader.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(secret);
            }
            try (InputStream o = p.getInputStream()) {
                o.transferTo(sealed);
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CfsException(ExitCode.FAILED, "systemd-creds encrypt did not finish");
            }
            errReader.join();
            if (p.exitValue() != 0) {
                String msg = err.toString(StandardCharsets.UTF_8).strip().replace('\n', ' ');
                throw new CfsException(ExitCode.FAILED, "systemd-creds encrypt failed (exit " + p.exitValue() + "): " + msg);
            }
            return sealed.toByteArray();
        }

        private static void copy(InputStream in, ByteArrayOutputStream out) {
            try (in) {
                in.transferTo(out);
            } catch (IOException e) {
                // the exit code tells
            }
        }

        /** Written next to the target with mode 0600 from its creation, then renamed over it. */
        private static void write(Path target, byte[] sealed) throws IOException {
            Path dir = target.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            try (OutputStream o = Files.newOutputStream(Files.createFile(tmp,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), StandardOpenOption.WRITE)) {
                o.write(sealed);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /**
     * The config's credentials-dir, read without validating the rest: sealing the first secret
     * comes before the config is complete (the packaged example has no repository yet).
     */
    static Path credentialsDir(Services s) {
        Path file = s.configPath();
        if (Files.isRegularFile(file)) {
            try {
                JsonNode tree = new YAMLMapper().readTree(file.toFile());
                JsonNode d = tree == null ? null : tree.get("credentials-dir");
                if (d != null && d.isTextual() && d.asText().startsWith("/")) {
                    return Path.of(d.asText());
                }
            } catch (IOException e) {
                throw CfsException.usage(file + ": not valid YAML (" + e.getClass().getSimpleName()
                        + "); give --credentials-dir DIR");
            }
        }
        return Path.of(DEFAULT_DIR);
    }
}
