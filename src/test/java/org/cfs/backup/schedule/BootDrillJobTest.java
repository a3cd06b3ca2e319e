package org.cfs.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.cfs.backup.config.ScheduleConfig;
import org.junit.jupiter.api.Test;

/** The daemon's boot-drill job (issue 16) runs {@code drill --boot} weekly, after the drill. */
class BootDrillJobTest {
    @Test
    void theJobRunsDrillBoot() {
        assertTrue(Daemon.JOBS.contains("boot-drill"));
        assertEquals(List.of("drill", "--boot"), Daemon.commandOf("boot-drill"));
        assertEquals(List.of("backup"), Daemon.commandOf("backup"));
        assertEquals("0 30 6 ? * SUN", Daemon.crons(ScheduleConfig.defaults()).get("boot-drill"));
        // the six-field constructor of before keeps the boot drill at its default
        assertEquals("0 30 6 ? * SUN", new ScheduleConfig("a", "b", "c", "d", "e", "f").bootDrill());
    }
}
