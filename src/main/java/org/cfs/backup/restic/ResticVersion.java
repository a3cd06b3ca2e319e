package org.cfs.backup.restic;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The installed restic's version and the features that depend on it. */
public record ResticVersion(int major, int minor, int patch) implements Comparable<ResticVersion> {
    private static final Pattern VERSION = Pattern.compile("restic (\\d+)\\.(\\d+)\\.(\\d+)");

    public static ResticVersion parse(String versionOutput) {
        Matcher m = VERSION.matcher(versionOutput == null ? "" : versionOutput);
        if (!m.find()) {
            throw new IllegalArgumentException("not restic's version line: " + versionOutput);
        }
        return new ResticVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    public boolean atLeast(int maj, int min) {
        return major > maj || (major == maj && minor >= min);
    }

    /** {@code --retry-lock} exists from 0.16. */
    public boolean hasRetryLock() {
        return atLeast(0, 16);
    }

    /** The backup summary's {@code snapshot_id} is the full id from 0.15 (the short id before). */
    public boolean summaryHasFullId() {
        return atLeast(0, 15);
    }

    /** Exit codes 10 (no repository), 11 (locked), 12 (wrong password) from 0.17. */
    public boolean hasDetailedExitCodes() {
        return atLeast(0, 17);
    }

    @Override
    public int compareTo(ResticVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
