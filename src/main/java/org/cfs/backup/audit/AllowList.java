package org.cfs.backup.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.cfs.backup.config.AuditConfig;

/**
 * Applies {@code audit.allow}: a finding is allowed when the entry's rule matches (or is {@code *})
 * and its subject matches exactly, as a glob with {@code *}, or as the part before {@code :}
 * (so {@code mariadb} allows {@code mariadb:MARIADB_ROOT_PASSWORD} and a file allows all its lines).
 */
public final class AllowList {
    private final List<AuditConfig.Allow> entries;

    public AllowList(List<AuditConfig.Allow> entries) {
        this.entries = entries == null ? List.of() : List.copyOf(entries);
    }

    public List<Finding> apply(List<Finding> findings) {
        List<Finding> out = new ArrayList<>(findings.size());
        for (Finding f : findings) {
            AuditConfig.Allow hit = entries.stream().filter(a -> matches(a, f)).findFirst().orElse(null);
            out.add(hit == null ? f : f.allow(hit.reason()));
        }
        return out;
    }

    static boolean matches(AuditConfig.Allow a, Finding f) {
        if (!a.rule().equals("*") && !a.rule().equals(f.rule())) {
            return false;
        }
        String s = f.subject();
        String want = a.subject();
        if (want.equals(s)) {
            return true;
        }
        if (want.contains("*")) {
            return glob(want).matcher(s).matches();
        }
        int colon = s.lastIndexOf(':');
        return colon > 0 && s.substring(0, colon).equals(want);
    }

    private static Pattern glob(String g) {
        List<String> parts = new ArrayList<>();
        for (String part : g.split("\\*", -1)) {
            parts.add(Pattern.quote(part));
        }
        return Pattern.compile(String.join(".*", parts));
    }
}
