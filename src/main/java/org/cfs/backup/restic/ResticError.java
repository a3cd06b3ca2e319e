package org.cfs.backup.restic;

/** Why a restic run failed, in words an operator can act on. */
public enum ResticError {
    WRONG_PASSWORD("wrong repository password (check repository.password-file)"),
    NO_REPOSITORY("no restic repository at that location (run 'cfs-backup init')"),
    LOCKED("the repository is locked by another restic process"),
    REMOTE_UNREACHABLE("the remote cannot be reached"),
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
        if (s.contains("Is there a repository at the following location?") || s.contains("repository does not exist")) {
            return NO_REPOSITORY;
        }
        if (s.contains("repository is already locked") || s.contains("unable to create lock")) {
            return LOCKED;
        }
        if (s.contains("error talking HTTP to rclone") || s.contains("Failed to create file system")
                || s.contains("connection refused") || s.contains("no such host") || s.contains("dial tcp")
                || s.contains("i/o timeout") || s.contains("didn't find section in config file")) {
            return REMOTE_UNREACHABLE;
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
