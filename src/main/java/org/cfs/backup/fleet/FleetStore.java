package org.cfs.backup.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.config.FleetConfig;

/**
 * The fleet's shared state on MariaDB: Quartz's own tables (created from Quartz's schema script
 * when missing, never dropped), the runs of fleet jobs and where they ran, and the nodes' check-ins
 * that Quartz keeps. Also the properties of the clustered scheduler, so that both read one config.
 */
public final class FleetStore {
    /** Quartz's table prefix; the fleet's name tells fleets apart inside the tables (SCHED_NAME). */
    static final String PREFIX = "QRTZ_";
    static final String RUNS = "CFS_FLEET_RUNS";

    /** A node of the fleet as Quartz's cluster table knows it. */
    public record Node(String node, Instant lastCheckin, long checkinIntervalMs, boolean alive) {
    }

    /** One run of a fleet job. */
    public record Run(String job, String node, Instant fire, Instant start, Instant end, String outcome, String error) {
    }

    /** A fleet job's trigger: when it fires next. */
    public record NextFire(String job, Instant nextRun) {
    }

    private final FleetConfig config;
    private final String password;

    public FleetStore(FleetConfig config, String password) {
        this.config = config;
        this.password = password;
    }

    /** Quartz's scheduler name of this fleet. */
    public String schedulerName() {
        return "cfs-backup-fleet-" + config.name();
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", config.user());
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "5000");
        return DriverManager.getConnection(config.jdbcUrl(), p);
    }

    private CfsException unreachable(SQLException e) {
        // the driver's message names host and database, never the password
        return new CfsException(ExitCode.FAILED, "fleet store " + config.jdbcUrl() + " unreachable: "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("")));
    }

    /** Creates Quartz's tables and the runs table when they are missing; never drops or changes one. */
    public void ensureSchema() {
        try (Connection c = connect()) {
            if (!tableExists(c, PREFIX + "LOCKS")) {
                for (String sql : quartzSchema()) {
                    try (Statement st = c.createStatement()) {
                        st.execute(sql);
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS " + RUNS + " (SCHED_NAME VARCHAR(120) NOT NULL,"
                        + " JOB VARCHAR(64) NOT NULL, NODE VARCHAR(200) NOT NULL, FIRE BIGINT NULL, STARTED BIGINT NOT NULL,"
                        + " ENDED BIGINT NULL, OUTCOME VARCHAR(16) NULL, ERROR VARCHAR(500) NULL,"
                        + " INDEX (SCHED_NAME, JOB, STARTED)) ENGINE=InnoDB");
            }
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        for (String name : new String[] {table, table.toLowerCase(java.util.Locale.ROOT)}) {
            try (ResultSet rs = md.getTables(c.getCatalog(), null, name, new String[] {"TABLE"})) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The CREATE statements of Quartz's own MySQL/InnoDB script (its DROP statements left out). */
    static List<String> quartzSchema() {
        String script;
        try (InputStream in = org.quartz.Scheduler.class.getResourceAsStream("/org/quartz/impl/jdbcjobstore/tables_mysql_innodb.sql")) {
            if (in == null) {
                throw new CfsException(ExitCode.FAILED, "Quartz's schema script is missing from the build");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CfsException(ExitCode.FAILED, "cannot read Quartz's schema script: " + e.getMessage());
        }
        StringBuilder sb = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("#") && !line.strip().startsWith("--")) {
                sb.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String stmt : sb.toString().split(";")) {
            String s = stmt.strip();
            if (!s.isEmpty() && !s.toUpperCase(java.util.Locale.ROOT).startsWith("DROP") && !s.equalsIgnoreCase("commit")) {
                out.add(s);
            }
        }
        return out;
    }

    /** The properties of this node's clustered Quartz scheduler. */
    public Properties quartzProperties(String nodeId, long checkinMs) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", schedulerName());
        p.setProperty("org.quartz.scheduler.instanceId", nodeId);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", "3");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        p.setProperty("org.quartz.jobStore.tablePrefix", PREFIX);
        p.setProperty("org.quartz.jobStore.dataSource", "fleet");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        // how often a node checks in; another node takes one silent for longer (plus 7.5 s of
        // Quartz's own margin) as dead and recovers the fleet job it was running
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(checkinMs));
        // a run missed by less than this is fired late rather than treated as missed
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.dataSource.fleet.provider", "hikaricp");
        p.setProperty("org.quartz.dataSource.fleet.driver", "org.mariadb.jdbc.Driver");
        p.setProperty("org.quartz.dataSource.fleet.URL", config.jdbcUrl());
        p.setProperty("org.quartz.dataSource.fleet.user", config.user());
        p.setProperty("org.quartz.dataSource.fleet.password", password);
        p.setProperty("org.quartz.dataSource.fleet.maxConnections", "4");
        return p;
    }

    /**
     * Records the start of a fleet job on this node; returns the row's start time (its key).
     *
     * @param fire the scheduled fire time the run belongs to (a retry or a recovery keeps the original's)
     */
    public long started(String job, String node, Instant fire, Instant start) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO " + RUNS + " (SCHED_NAME, JOB, NODE, FIRE, STARTED) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, schedulerName());
            ps.setString(2, job);
            ps.setString(3, node);
            if (fire == null) {
                ps.setNull(4, java.sql.Types.BIGINT);
            } else {
                ps.setLong(4, fire.toEpochMilli());
            }
            ps.setLong(5, start.toEpochMilli());
            ps.executeUpdate();
            return start.toEpochMilli();
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    public void finished(String job, String node, long started, Instant end, String outcome, String error) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("UPDATE " + RUNS
                + " SET ENDED = ?, OUTCOME = ?, ERROR = ? WHERE SCHED_NAME = ? AND JOB = ? AND NODE = ? AND STARTED = ?")) {
            ps.setLong(1, end.toEpochMilli());
            ps.setString(2, outcome);
            ps.setString(3, error == null ? null : error.length() > 500 ? error.substring(0, 500) : error);
            ps.setString(4, schedulerName());
            ps.setString(5, job);
            ps.setString(6, node);
            ps.setLong(7, started);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    /** Every run of the fleet's jobs, newest first (at most {@code limit}). */
    public List<Run> runs(int limit) {
        List<Run> out = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT JOB, NODE, FIRE, STARTED, ENDED,"
                + " OUTCOME, ERROR FROM " + RUNS + " WHERE SCHED_NAME = ? ORDER BY STARTED DESC LIMIT ?")) {
            ps.setString(1, schedulerName());
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long fire = rs.getLong(3);
                    Instant f = rs.wasNull() ? null : Instant.ofEpochMilli(fire);
                    long ended = rs.getLong(5);
                    Instant e = rs.wasNull() ? null : Instant.ofEpochMilli(ended);
                    out.add(new Run(rs.getString(1), rs.getString(2), f, Instant.ofEpochMilli(rs.getLong(4)), e,
                            rs.getString(6), rs.getString(7)));
                }
            }
        } catch (SQLException e) {
            throw unreachable(e);
        }
        return out;
    }

    /** The nodes Quartz's cluster table knows, with their last check-in. */
    public List<Node> nodes(Instant now) {
        List<Node> out = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT INSTANCE_NAME,"
                + " LAST_CHECKIN_TIME, CHECKIN_INTERVAL FROM " + PREFIX + "SCHEDULER_STATE WHERE SCHED_NAME = ?"
                + " ORDER BY INSTANCE_NAME")) {
            ps.setString(1, schedulerName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant last = Instant.ofEpochMilli(rs.getLong(2));
                    long interval = rs.getLong(3);
                    // Quartz's own rule: silent for longer than its interval plus 7.5 s is dead
                    boolean alive = last.plusMillis(interval + 7500).isAfter(now);
                    out.add(new Node(rs.getString(1), last, interval, alive));
                }
            }
        } catch (SQLException e) {
            throw unreachable(e);
        }
        return out;
    }

    /** When each of the fleet's jobs fires next. */
    public List<NextFire> nextFires() {
        List<NextFire> out = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT JOB_NAME, MIN(NEXT_FIRE_TIME)"
                + " FROM " + PREFIX + "TRIGGERS WHERE SCHED_NAME = ? GROUP BY JOB_NAME ORDER BY JOB_NAME")) {
            ps.setString(1, schedulerName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long next = rs.getLong(2);
                    out.add(new NextFire(rs.getString(1), next <= 0 ? null : Instant.ofEpochMilli(next)));
                }
            }
        } catch (SQLException e) {
            throw unreachable(e);
        }
        return out;
    }
}
