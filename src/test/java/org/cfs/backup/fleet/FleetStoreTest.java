package org.cfs.backup.fleet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Quartz's own schema script, as the fleet runs it: never a DROP, every CREATE tolerant of a second node. */
class FleetStoreTest {
    /** Regression: three nodes starting together failed on "Table 'QRTZ_JOB_DETAILS' already exists". */
    @Test
    void theSchemaDropsNothingAndToleratesTablesThatExist() {
        List<String> sql = FleetStore.quartzSchema();
        assertTrue(sql.size() > 10, sql.toString());
        assertTrue(sql.stream().noneMatch(s -> s.toUpperCase().contains("DROP")), sql.toString());
        assertTrue(sql.stream().filter(s -> s.toUpperCase().startsWith("CREATE"))
                .allMatch(s -> s.toUpperCase().startsWith("CREATE TABLE IF NOT EXISTS")
                        || s.toUpperCase().startsWith("CREATE INDEX IF NOT EXISTS")), sql.toString());
        assertTrue(sql.stream().anyMatch(s -> s.contains("QRTZ_LOCKS")));
        assertFalse(sql.stream().anyMatch(String::isBlank));
    }
}
