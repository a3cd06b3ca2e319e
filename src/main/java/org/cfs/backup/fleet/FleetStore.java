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
    /** The fleet-wide rotation of the check's {@code --read-data-subset n/N} (one row per fleet). */
    static final String CHECK_ROTATION = "CFS_FLEET_CHECK_ROTATION";
    /**
     * Every node that ever joined the fleet, with its machine's host name (what restic writes into
     * its locks). Quartz deletes a dead node's row from its node table once another node recovered
     * it; this table remembers that the node belongs to the fleet.
     */
    static final String MEMBERS = "CFS_FLEET_NODES";

    /** A node of the fleet as Quartz's cluster table knows it. */
    public record Node(String node, Instant lastCheckin, long checkinIntervalMs, boolean alive) {
    }

    /**
     * A node that joined the fleet: its name ({@code host:}), its machine's host name, and whether
     * Quartz's node table says it lives (a row checked in within its interval plus 7.5 s).
     */
    public record Member(String node, String hostname, boolean alive) {
    }

    /** One run of a fleet job. */
    public record Run(String job, String node, Instant fire, Instant start, Instant end, String outcome, String error) {
    }

    /**
     * Where the fleet's check rotation stands: the subset the next check reads ({@code next} of
     * {@code of}, 1-based), when and on which node the last passed check moved it on (null: never).
     */
    public record CheckRotationState(int next, int of, Instant advanced, String node) {
        @com.fasterxml.jackson.annotation.JsonProperty("subset")
        public String subset() {
            return next + "/" + of;
        }
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

    /**
     * Creates Quartz's tables and the runs table when they are missing; never drops or changes one.
     * Nodes that start together take turns (a named MariaDB lock), and every statement is
     * {@code IF NOT EXISTS}, so a second node never trips over the first one's tables.
     */
    public void ensureSchema() {
        try (Connection c = connect()) {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT GET_LOCK('cfs_backup_fleet_schema', 60)");
            }
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
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS " + CHECK_ROTATION + " (SCHED_NAME VARCHAR(120) NOT NULL PRIMARY KEY,"
                        + " NEXT_SUBSET INT NOT NULL, SUBSETS INT NOT NULL, ADVANCED BIGINT NULL, NODE VARCHAR(200) NULL)"
                        + " ENGINE=InnoDB");
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS " + MEMBERS + " (SCHED_NAME VARCHAR(120) NOT NULL,"
                        + " NODE VARCHAR(200) NOT NULL, HOSTNAME VARCHAR(255) NOT NULL, JOINED BIGINT NOT NULL,"
                        + " PRIMARY KEY (SCHED_NAME, NODE)) ENGINE=InnoDB");
            }
            try (Statement st = c.createStatement()) {
                st.execute("SELECT RELEASE_LOCK('cfs_backup_fleet_schema')");
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
            String upper = s.toUpperCase(java.util.Locale.ROOT);
            if (!s.isEmpty() && !upper.startsWith("DROP") && !s.equalsIgnoreCase("commit")) {
                out.add(s.replaceFirst("(?i)^CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ")
                        .replaceFirst("(?i)^CREATE INDEX ", "CREATE INDEX IF NOT EXISTS "));
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

    /**
     * The fleet's check rotation for {@code of} subsets: the stored one, or 1/N when none is stored
     * yet or N changed (a changed N starts the round again).
     */
    public CheckRotationState checkRotation(int of) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT NEXT_SUBSET, SUBSETS, ADVANCED, NODE"
                + " FROM " + CHECK_ROTATION + " WHERE SCHED_NAME = ?")) {
            ps.setString(1, schedulerName());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new CheckRotationState(1, of, null, null);
                }
                int next = rs.getInt(1);
                int stored = rs.getInt(2);
                long adv = rs.getLong(3);
                Instant advanced = rs.wasNull() ? null : Instant.ofEpochMilli(adv);
                String node = rs.getString(4);
                if (stored != of || next < 1 || next > of) {
                    return new CheckRotationState(1, of, advanced, node);
                }
                return new CheckRotationState(next, of, advanced, node);
            }
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    /**
     * After a passed check of subset {@code done}/{@code of}: moves the fleet's rotation on to the
     * next subset, unless another node moved it already (a recovered or repeated run of the same
     * subset moves it once). Returns the state after.
     */
    public CheckRotationState advanceCheckRotation(int done, int of, String node, Instant now) {
        int next = done % of + 1;
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement sel = c.prepareStatement("SELECT NEXT_SUBSET, SUBSETS FROM " + CHECK_ROTATION
                    + " WHERE SCHED_NAME = ? FOR UPDATE")) {
                sel.setString(1, schedulerName());
                boolean exists;
                int cur = 1;
                try (ResultSet rs = sel.executeQuery()) {
                    exists = rs.next();
                    if (exists) {
                        int n = rs.getInt(1);
                        cur = rs.getInt(2) != of || n < 1 || n > of ? 1 : n;
                    }
                }
                if (cur == done) {
                    try (PreparedStatement up = c.prepareStatement(exists
                            ? "UPDATE " + CHECK_ROTATION + " SET NEXT_SUBSET = ?, SUBSETS = ?, ADVANCED = ?, NODE = ? WHERE SCHED_NAME = ?"
                            : "INSERT INTO " + CHECK_ROTATION + " (NEXT_SUBSET, SUBSETS, ADVANCED, NODE, SCHED_NAME) VALUES (?, ?, ?, ?, ?)")) {
                        up.setInt(1, next);
                        up.setInt(2, of);
                        up.setLong(3, now.toEpochMilli());
                        up.setString(4, node);
                        up.setString(5, schedulerName());
                        up.executeUpdate();
                    }
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw unreachable(e);
        }
        return checkRotation(of);
    }

    /** Records that {@code node} (on the machine {@code hostname}) belongs to the fleet. */
    public void register(String node, String hostname, Instant now) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + MEMBERS
                + " (SCHED_NAME, NODE, HOSTNAME, JOINED) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE HOSTNAME = VALUES(HOSTNAME)")) {
            ps.setString(1, schedulerName());
            ps.setString(2, node);
            ps.setString(3, hostname);
            ps.setLong(4, now.toEpochMilli());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    /**
     * Every node that joined the fleet; alive when Quartz's node table has its row, checked in
     * within its interval plus Quartz's 7.5 s margin (a node Quartz recovered has no row: dead).
     */
    public List<Member> members(Instant now) {
        List<Member> out = new ArrayList<>();
        java.util.Map<String, Node> table = new java.util.HashMap<>();
        nodes(now).forEach(n -> table.put(n.node(), n));
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT NODE, HOSTNAME FROM " + MEMBERS
                + " WHERE SCHED_NAME = ? ORDER BY NODE")) {
            ps.setString(1, schedulerName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Node n = table.get(rs.getString(1));
                    out.add(new Member(rs.getString(1), rs.getString(2), n != null && n.alive()));
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
