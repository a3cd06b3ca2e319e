package org.cfs.backup.audit;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** How bad a finding is: critical findings fail the audit (exit 1), warnings make it partial (exit 3). */
public enum Severity {
    CRITICAL, WARNING;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
