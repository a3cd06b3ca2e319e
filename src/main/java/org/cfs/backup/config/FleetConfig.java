package org.cfs.backup.config;

/**
 * {@code fleet:}: several hosts share one repository and one schedule through Quartz's clustered
 * JDBC job store on MariaDB. Absent: one host, the in-memory store.
 *
 * @param name     the fleet (Quartz's scheduler name: several fleets may share one database)
 * @param jdbcUrl  e.g. {@code jdbc:mariadb://127.0.0.1:3306/cfs_backup}
 * @param passwordFile the database user's password, read at start (never on a command line)
 * @param checkinInterval how often a node tells the others it lives (Quartz's clusterCheckinInterval); a
 *                 node silent for about this long plus a margin is taken as dead and its fleet job recovered
 */
public record FleetConfig(String name, String jdbcUrl, String user, String passwordFile, String checkinInterval) {
}
