package org.cfs.backup.secrets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;

/**
 * Secrets sealed with systemd credentials (issue 15). A credential NAME is used as restic's (or
 * rclone's) password without the clear secret ever landing on disk, in an argument list or in an
 * environment:
 * <ul>
 * <li>under the unit ({@code LoadCredentialEncrypted=NAME:PATH}) systemd has decrypted it into
 * {@code $CREDENTIALS_DIRECTORY/NAME} (private, non-swappable memory): that file is used;</li>
 * <li>run by hand, {@code credentials-dir/NAME.cred} is decrypted on demand by the child itself
 * through a password command, {@code systemd-creds decrypt --name=NAME FILE -}, whose output goes
 * straight into restic's (rclone's) pipe.</li>
 * </ul>
 */
public final class Credentials {
    public static final String ENV = "CREDENTIALS_DIRECTORY";
    public static final String SYSTEMD_CREDS = "systemd-creds";

    private final Path credentialsDir;
    private final Map<String, String> env;

    public Credentials(Path credentialsDir, Map<String, String> env) {
        this.credentialsDir = credentialsDir;
        this.env = env;
    }

    /** Where a credential comes from: a decrypted file ({@code file}) or a command that prints it. */
    public record Source(Path file, String command) {
        /** As a command in every case (rclone reads a password only by command or environment). */
        public String asCommand() {
            return command != null ? command : "cat " + file;
        }
    }

    public Path sealedFile(String name) {
        return credentialsDir.resolve(name + ".cred");
    }

    /** The decrypted file systemd provides, when this process runs under a unit that loads it. */
    public Path decrypted(String name) {
        String dir = env.get(ENV);
        if (dir == null || dir.isBlank()) {
            return null;
        }
        Path p = Path.of(dir, name);
        return Files.isRegularFile(p) ? p : null;
    }

    /** @param key the config key that names the credential, for the error message */
    public Source resolve(String key, String name) {
        Path decrypted = decrypted(name);
        if (decrypted != null) {
            if (decrypted.toString().matches(".*[\\s'\"\\\\].*")) {
                throw new CfsException(ExitCode.USAGE, key + ": " + ENV + " " + decrypted.getParent() + " holds blanks or quotes");
            }
            return new Source(decrypted, null);
        }
        Path sealed = sealedFile(name);
        if (!Files.isRegularFile(sealed)) {
            throw new CfsException(ExitCode.USAGE, key + ": credential '" + name + "' not found: no " + sealed
                    + (env.get(ENV) == null ? "" : " and no " + Path.of(env.get(ENV), name))
                    + " (seal it with: cfs-backup secrets seal " + name + ")");
        }
        return new Source(null, decryptCommand(name, sealed));
    }

    /** restic and rclone split a password command at blanks: the config refuses blanks in credentials-dir. */
    static String decryptCommand(String name, Path sealed) {
        return SYSTEMD_CREDS + " decrypt --name=" + name + " " + sealed + " -";
    }
}
