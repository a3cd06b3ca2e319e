package org.cfs.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cfs.backup.Job;
import org.cfs.backup.config.ScheduleConfig;
import org.junit.jupiter.api.Test;

/** The daemon's boot-drill job (issue 16) runs weekly, after the drill, on its host. */
class BootDrillJobTest {
    @Test
    void theJobIsScheduledWeeklyOnItsHost() {
        assertEquals(Job.BOOT_DRILL, Job.of("boot-drill"));
        assertTrue(Job.words().contains("boot-drill"));
        assertTrue(Job.BOOT_DRILL.takesRepositoryLock());
        assertFalse(Job.BOOT_DRILL.fleetWide(), "every host drills its own apps");
        assertEquals("0 30 6 ? * SUN", Daemon.crons(ScheduleConfig.defaults()).get(Job.BOOT_DRILL));
        // the six-field constructor of before keeps the boot drill at its default
        assertEquals("0 30 6 ? * SUN", new ScheduleConfig("a", "b", "c", "d", "e", "f").bootDrill());
    }
}
