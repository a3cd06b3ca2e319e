package org.cfs.backup.config;

/** Quartz cron expressions per job (5-field crontab is turned into Quartz syntax by the loader). */
public record ScheduleConfig(String backup, String prune, String check, String drill, String quota, String audit) {

    public static ScheduleConfig defaults() {
        return new ScheduleConfig("0 0 3 * * ?", "0 30 4 ? * SUN", "0 0 5 ? * SUN", "0 0 6 ? * SUN",
                "0 0 * * * ?", "0 15 * * * ?");
    }
}
