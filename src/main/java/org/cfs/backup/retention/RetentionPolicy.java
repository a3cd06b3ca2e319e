package org.cfs.backup.retention;

import java.util.ArrayList;
import java.util.List;

import org.cfs.backup.config.RetentionConfig;

/** The {@code --keep-*} flags of {@code restic forget} from {@code retention:}. */
public final class RetentionPolicy {
    private RetentionPolicy() {
    }

    public static List<String> flags(RetentionConfig r) {
        List<String> a = new ArrayList<>();
        add(a, "--keep-last", r.keepLast());
        add(a, "--keep-hourly", r.keepHourly());
        add(a, "--keep-daily", r.keepDaily());
        add(a, "--keep-weekly", r.keepWeekly());
        add(a, "--keep-monthly", r.keepMonthly());
        add(a, "--keep-yearly", r.keepYearly());
        if (r.keepWithin() != null) {
            a.add("--keep-within");
            a.add(r.keepWithin());
        }
        return a;
    }

    private static void add(List<String> a, String flag, Integer n) {
        if (n != null && n > 0) {
            a.add(flag);
            a.add(String.valueOf(n));
        }
    }
}
