package org.cfs.backup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Quartz cron passes through; 5-field crontab is translated (Sunday 0/7 becomes Quartz's 1). */
class CronTest {
    @Test
    void quartzPassesThrough() {
        assertEquals("0 30 4 ? * SUN", Cron.toQuartz("0 30 4 ? * SUN"));
    }

    @Test
    void crontabIsTranslated() {
        assertEquals("0 0 3 * * ?", Cron.toQuartz("0 3 * * *"));
        assertEquals("0 30 4 ? * 1", Cron.toQuartz("30 4 * * 0"));
        assertEquals("0 30 4 ? * 1", Cron.toQuartz("30 4 * * 7"));
        assertEquals("0 0 6 ? * 2-6", Cron.toQuartz("0 6 * * 1-5"));
        assertEquals("0 */15 * * * ?", Cron.toQuartz("*/15 * * * *"));
    }

    @Test
    void invalidExpressionsAreRefusedWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> Cron.toQuartz("61 * * * *"));
        assertThrows(IllegalArgumentException.class, () -> Cron.toQuartz("0 3 1 * 1"));
        assertThrows(IllegalArgumentException.class, () -> Cron.toQuartz(""));
    }
}
