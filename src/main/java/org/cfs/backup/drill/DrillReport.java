package org.cfs.backup.drill;

import java.util.List;

/** {@code drill --json}: {@code {"passed", "sources": [...]}}. */
public record DrillReport(boolean passed, List<SourceDrill> sources) {
}
