package org.cfs.backup.restore;

import java.util.Comparator;
import java.util.List;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.Snapshot;

/**
 * Finds the snapshot a restore or drill works on: {@code latest} is the source's newest regular
 * backup (never a {@code pre-restore} safety snapshot, a crashed first pass, a failed dump tagged
 * {@code cfs-failed} nor a {@code cfs-config} snapshot of cfs-backup's own config); an id (or prefix)
 * must belong to the source.
 */
public final class SnapshotSelector {
    /** The tag of the safety snapshot an in-place restore takes first (the way back). */
    public static final String PRE_RESTORE_TAG = Snapshot.PRE_RESTORE_TAG;

    private final Restic restic;
    private final String host;

    public SnapshotSelector(Restic restic, String host) {
        this.restic = restic;
        this.host = host;
    }

    /** True for a snapshot that {@code latest} may mean. */
    public static boolean regular(Snapshot s) {
        return s.isRegular();
    }

    /** The hosts other than this one that have regular snapshots of the source (all sources: null), newest first. */
    public static List<String> otherHosts(List<Snapshot> snapshots, String source, String host) {
        return snapshots.stream().filter(s -> source == null || s.hasTag(source)).filter(SnapshotSelector::regular)
                .filter(s -> s.hostname() != null && !s.hostname().equals(host))
                .sorted(Comparator.comparing(Snapshot::time).reversed()).map(Snapshot::hostname).distinct().toList();
    }

    /** "; the repository has snapshots of it from host A: use --host A ..." or "" when there are none. */
    public static String otherHostsHint(List<String> others) {
        if (others.isEmpty()) {
            return "";
        }
        String first = others.get(0);
        return "; the repository has snapshots from host" + (others.size() == 1 ? " " : "s ") + String.join(", ", others)
                + ": use --host " + first + " (or put 'host: " + first + "' in the config to carry on its history)";
    }

    /** The newest regular snapshot among these, or null. */
    public static Snapshot latest(List<Snapshot> snapshots, String source) {
        return snapshots.stream().filter(s -> s.hasTag(source)).filter(SnapshotSelector::regular)
                .max(Comparator.comparing(Snapshot::time)).orElse(null);
    }

    /**
     * Resolves {@code latest} (or null) or an id prefix to a snapshot of the source.
     *
     * @throws CfsException exit 1 when there is no snapshot, exit 2 naming the id when it is unknown,
     *                      ambiguous or belongs to another source
     */
    public Snapshot resolve(SourceConfig source, String idOrLatest) {
        if (idOrLatest == null || idOrLatest.equals("latest")) {
            Snapshot s = latest(restic.snapshots(host, List.of(source.name())), source.name());
            if (s == null) {
                List<String> others = otherHosts(restic.snapshots(null, List.of(source.name())), source.name(), host);
                throw new CfsException(ExitCode.FAILED, "source '" + source.name() + "' has no snapshot yet (host "
                        + host + ")" + otherHostsHint(others));
            }
            return s;
        }
        return byId(restic.snapshots(null, List.of()), source.name(), idOrLatest);
    }

    /**
     * The one path a source's snapshots hold, as restic records it (a volume's mountpoint), so that
     * restic's own {@code latest} can be asked for it; null when that is not known beforehand
     * (several paths, a relative path, a volume Docker cannot name, a command source).
     */
    public static String expectedPath(SourceConfig s, org.cfs.backup.docker.Docker docker) {
        if (s.kind() == SourceConfig.Kind.VOLUME) {
            try {
                return docker.volume(s.volume()).mountpoint();
            } catch (CfsException e) {
                return null;
            }
        }
        if (s.kind() != SourceConfig.Kind.PATHS) {
            return null;
        }
        List<String> paths = s.allPaths();
        return paths.size() == 1 && paths.get(0).startsWith("/") ? paths.get(0) : null;
    }

    /** True when restic's {@code latest} under the source's filters chose the snapshot {@code latest} means here. */
    public static boolean isLatestRegular(Snapshot s, SourceConfig source, String host, String path) {
        return regular(s) && s.hasTag(source.name()) && host.equals(s.hostname()) && List.of(path).equals(s.paths());
    }

    /** Picks the one snapshot whose id starts with the prefix, and checks that it is the source's. */
    public static Snapshot byId(List<Snapshot> all, String source, String prefix) {
        if (!prefix.matches("[0-9a-fA-F]{4,64}")) {
            throw CfsException.usage("'" + prefix + "' is not a snapshot id (hex, at least 4 digits) nor 'latest'");
        }
        String p = prefix.toLowerCase(java.util.Locale.ROOT);
        List<Snapshot> matches = all.stream().filter(s -> s.id().startsWith(p)).toList();
        if (matches.isEmpty()) {
            throw CfsException.usage("snapshot " + prefix + " does not exist in the repository");
        }
        if (matches.size() > 1) {
            throw CfsException.usage("snapshot id " + prefix + " is ambiguous (" + matches.size()
                    + " snapshots start with it): give more digits");
        }
        Snapshot s = matches.get(0);
        if (!s.hasTag(source)) {
            List<String> tags = s.tagsOrEmpty().stream().filter(t -> !t.equals(PRE_RESTORE_TAG)).toList();
            throw CfsException.usage("snapshot " + prefix + " is not a snapshot of source '" + source + "'"
                    + (tags.isEmpty() ? "" : " (it is tagged " + String.join(",", tags) + ")"));
        }
        return s;
    }
}
