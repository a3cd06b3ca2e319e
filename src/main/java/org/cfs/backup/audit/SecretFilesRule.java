package org.cfs.backup.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.cfs.backup.config.Config;

/**
 * cfs-backup's own secrets (restic password file, rclone config, rclone config password file)
 * must be owned by root with no access for group or others; anything else is critical.
 */
public final class SecretFilesRule {
    /** A secret file and what it is. */
    record SecretFile(String label, Path path) {
    }

    public List<Finding> check(Config config) {
        List<SecretFile> files = new ArrayList<>();
        files.add(new SecretFile("restic password file", Path.of(config.repository().passwordFile())));
        if (config.rclone().config() != null) {
            files.add(new SecretFile("rclone config", Path.of(config.rclone().config())));
        }
        if (config.rclone().configPasswordFile() != null) {
            files.add(new SecretFile("rclone config password file", Path.of(config.rclone().configPasswordFile())));
        }
        List<Finding> out = new ArrayList<>();
        for (SecretFile f : files) {
            Finding finding = check(f.label(), f.path());
            if (finding != null) {
                out.add(finding);
            }
        }
        return out;
    }

    static Finding check(String label, Path file) {
        int uid;
        Set<PosixFilePermission> perms;
        try {
            uid = (Integer) Files.getAttribute(file, "unix:uid");
            perms = Files.getPosixFilePermissions(file);
        } catch (NoSuchFileException e) {
            return Finding.of(Finding.INCOMPLETE, Severity.WARNING, file.toString(), label + " does not exist");
        } catch (IOException | UnsupportedOperationException e) {
            return Finding.of(Finding.INCOMPLETE, Severity.WARNING, file.toString(),
                    label + " cannot be checked: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        if (uid != 0) {
            problems.add("owned by uid " + uid + ", not root (uid 0)");
        }
        List<String> open = new ArrayList<>();
        if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.GROUP_WRITE)
                || perms.contains(PosixFilePermission.GROUP_EXECUTE)) {
            open.add("group");
        }
        if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.OTHERS_WRITE)
                || perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            open.add("others");
        }
        if (!open.isEmpty()) {
            boolean readable = perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ);
            problems.add("has mode " + mode(perms) + ", which gives " + String.join(" and ", open)
                    + (readable ? " read access" : " access"));
        }
        if (problems.isEmpty()) {
            return null;
        }
        return Finding.of("secret-file-permissions", Severity.CRITICAL, file.toString(),
                label + ": " + String.join("; ", problems) + " (fix: chown root:root " + file + " && chmod 600 " + file + ")");
    }

    static String mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) {
            m |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", m);
    }
}
