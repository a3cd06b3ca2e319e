package org.cfs.backup.config;

/** Quartz cron expressions per job (5-field crontab is turned into Quartz syntax by the loader). */
public record ScheduleConfig(String backup, String prune, String check, String drill, String quota, String audit,
                             String bootDrill) {
    /** Boot drills (issue 16): weekly, half an hour after the drill. */
    public static final String DEFAULT_BOOT_DRILL = "0 30 6 ? * SUN";

    /** The schedule before {@code boot-drill} (issue 16): boot drills at their default time. */
    public ScheduleConfig(String backup, String prune, String check, String drill, String quota, String audit) {
        this(backup, prune, check, drill, quota, audit, DEFAULT_BOOT_DRILL);
    }

    public static ScheduleConfig defaults() {
        return new ScheduleConfig("0 0 3 * * ?", "0 30 4 ? * SUN", "0 0 5 ? * SUN", "0 0 6 ? * SUN",
                "0 0 * * * ?", "0 15 * * * ?", DEFAULT_BOOT_DRILL);
    }
}
