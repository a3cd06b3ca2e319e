package org.cfs.backup.restic;

/** Why a restic run failed, in words an operator can act on. */
public enum ResticError {
    WRONG_PASSWORD("wrong repository password (check repository.password-file)"),
    NO_REPOSITORY("no restic repository at that location (run 'cfs-backup init')"),
    LOCKED("the repository is locked by another restic process"),
    REMOTE_UNREACHABLE("the remote cannot be reached"),
    DISK_FULL("the remote is full (no space left)"),
    INTERRUPTED("interrupted"),
    /** restic refused its command line (an unknown flag, a bad flag value): nothing was done. */
    USAGE("restic refused its arguments"),
    FAILED("restic failed");

    private final String meaning;

    ResticError(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }

    /** True when the text says the disk (or the remote's quota) is full. */
    public static boolean diskFull(String s) {
        String l = s.toLowerCase(java.util.Locale.ROOT);
        return l.contains("no space left on device") || l.contains("enospc") || l.contains("disk quota exceeded")
                || l.contains("insufficient storage") || l.contains("storagequotaexceeded")
                || l.contains("not enough space") || l.contains("file too large")
                || l.contains("too big for remaining disk space");
    }

    /** Classifies by exit code (0.17's codes) and by restic's and rclone's stderr texts (older). */
    public static ResticError classify(int exitCode, String stderr) {
        switch (exitCode) {
            case 10: return NO_REPOSITORY;
            case 11: return LOCKED;
            case 12: return WRONG_PASSWORD;
            case 130: return INTERRUPTED;
            default: break;
        }
        String s = stderr == null ? "" : stderr;
        if (s.contains("wrong password or no key found")) {
            return WRONG_PASSWORD;
        }
        // the cause first: a full or dead remote also makes restic fail to lock or to find the config
        if (diskFull(s)) {
            return DISK_FULL;
        }
        if (s.contains("error talking HTTP to rclone") || s.contains("Failed to create file system")
                || s.contains("connection refused") || s.contains("no such host") || s.contains("dial tcp")
                || s.contains("i/o timeout") || s.contains("didn't find section in config file")
                || s.contains("connection reset by peer") || s.contains("EOF") && s.contains("rclone")
                || s.contains("network is unreachable") || s.contains("no route to host")) {
            return REMOTE_UNREACHABLE;
        }
        if (s.contains("repository is already locked") || s.contains("unable to create lock")) {
            return LOCKED;
        }
        if (s.contains("Is there a repository at the following location?") || s.contains("repository does not exist")) {
            return NO_REPOSITORY;
        }
        if (usageLine(s) != null) {
            return USAGE;
        }
        return FAILED;
    }

    /**
     * restic's own line when it refused its command line: cobra's "unknown flag: --x", "unknown
     * shorthand flag", "invalid argument ... for ... flag", or restic's "Fatal: ... flag ...". Null otherwise.
     */
    public static String usageLine(String stderr) {
        if (stderr == null) {
            return null;
        }
        for (String line : stderr.split("\n")) {
            String l = line.strip();
            if (l.startsWith("unknown flag: ") || l.startsWith("unknown shorthand flag: ") || l.startsWith("unknown command ")
                    || (l.startsWith("invalid argument ") && l.contains(" flag"))
                    || (l.startsWith("Fatal: ") && (l.contains(" flag ") || l.contains(" flag:") || l.contains(" flags ")))) {
                return l;
            }
        }
        return null;
    }
}
