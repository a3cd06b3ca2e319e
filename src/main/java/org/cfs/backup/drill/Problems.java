package org.cfs.backup.drill;

import java.util.ArrayList;
import java.util.List;

/** The problems one source's drill found: kept up to a cap (a rotten disk must not fill the heap), then counted. */
final class Problems {
    static final int MAX = 50;
    private final List<String> kept = new ArrayList<>();
    private long more;

    synchronized void add(String problem) {
        if (kept.size() < MAX) {
            kept.add(problem);
        } else {
            more++;
        }
    }

    synchronized boolean isEmpty() {
        return kept.isEmpty();
    }

    synchronized List<String> list() {
        List<String> out = new ArrayList<>(kept);
        if (more > 0) {
            out.add("... and " + more + " more problems");
        }
        return out;
    }
}
