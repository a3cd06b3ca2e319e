package org.cfs.backup.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.alert.Alerts;
import org.cfs.backup.config.Size;
import org.cfs.backup.fleet.FleetStatus;
import org.cfs.backup.fleet.FleetStore;
import org.cfs.backup.schedule.StatusReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code status [--json]}: last runs, snapshot age per source, next fire times, quota, open alerts. Takes no lock. */
@Command(name = "status", description = "Show last backups, newest snapshots, jobs with their next run, the last quota"
        + " answer and open alerts. Exit 0 when all is well, 3 when the repository cannot be read or a source is"
        + " stale or failed its last backup.")
final class StatusCommand extends BaseCommand {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    @Mixin
    JsonMixin output;

    @Option(names = "--fleet", description = "Every node and host of the fleet (fleet: in the config), the fleet jobs and where they ran.")
    boolean fleet;

    @Override
    public Integer call() {
        Services s = services();
        if (fleet) {
            return fleet(s);
        }
        StatusReport.Document d = StatusReport.build(s.config(), s.history(), s.restic(), s.alerts(), s.clock());
        if (output.json) {
            JsonOutput.print(out(), d);
            return d.exitCode();
        }
        ZoneId zone = s.clock().getZone();
        out().println("host " + d.host() + ", daemon " + (d.daemon().running() ? "running (pid " + d.daemon().pid() + ")" : "not running"));
        if (d.running() != null) {
            out().println("running now: " + d.running().command() + (d.running().pid() == null ? ""
                    : " (pid " + d.running().pid() + ")") + (d.running().since() == null ? ""
                    : ", since " + when(d.running().since(), d.now(), zone)));
        }
        out().println("sources:");
        for (StatusReport.SourceStatus src : d.sources()) {
            out().printf(Locale.ROOT, "  %-20s last backup %s, newest snapshot %s%s%s%n", src.source(),
                    src.lastBackup() == null ? "never" : when(src.lastBackup(), d.now(), zone) + " " + src.lastBackupStatus(),
                    src.newestSnapshotTime() == null ? "none" : when(src.newestSnapshotTime(), d.now(), zone),
                    Boolean.TRUE.equals(src.stale()) ? "  STALE" : "",
                    src.lastBootDrill() == null ? "" : ", boot drill " + when(src.lastBootDrill(), d.now(), zone) + " "
                            + src.lastBootDrillStatus() + (src.lastBootDrillSecondsToHealthy() == null ? ""
                            : String.format(Locale.ROOT, " (healthy after %.1fs)", src.lastBootDrillSecondsToHealthy())));
            if (src.lastStopAdvice() != null) {
                out().printf(Locale.ROOT, "  %-20s %s: %s%n", "", String.join(", ", src.lastStopKilled()),
                        src.lastStopAdvice());
            }
        }
        if (d.repositoryError() != null) {
            out().println("  repository: " + d.repositoryError());
        }
        out().println("jobs:");
        for (StatusReport.JobStatus j : d.jobs()) {
            out().printf(Locale.ROOT, "  %-8s last %s, next %s%n", j.job(),
                    j.lastRun() == null ? "never" : when(j.lastRun(), d.now(), zone) + " " + j.lastStatus(),
                    j.nextRun() == null ? "never" : when(j.nextRun(), d.now(), zone));
        }
        if (d.quota() != null) {
            out().println("quota: " + quota(d.quota(), d.now(), zone));
        }
        out().println(d.alerts().isEmpty() ? "alerts: none open" : "alerts:");
        for (Alerts.OpenAlert a : d.alerts()) {
            out().printf(Locale.ROOT, "  %s %s: %s (since %s)%n", a.severity(), a.key(), a.title(),
                    when(a.since(), d.now(), zone));
        }
        return d.exitCode();
    }

    private int fleet(Services s) {
        if (!s.config().inFleet()) {
            throw org.cfs.backup.CfsException.usage("status --fleet: this host is in no fleet (no fleet: in " + s.config().file() + ")");
        }
        FleetStatus.Document d = FleetStatus.build(s.config().fleet().name(), s.fleet(), s.restic(),
                java.util.Arrays.stream(org.cfs.backup.Job.values()).filter(org.cfs.backup.Job::fleetWide)
                        .map(org.cfs.backup.Job::word).toList(),
                org.cfs.backup.schedule.Freshness.parseDuration(s.config().staleAfter()), s.clock().instant());
        if (output.json) {
            JsonOutput.print(out(), d);
            return d.exitCode();
        }
        ZoneId zone = s.clock().getZone();
        out().println("fleet " + d.fleet() + (d.storeError() == null ? "" : ": store: " + d.storeError()));
        out().println("nodes:");
        for (FleetStore.Node n : d.nodes()) {
            out().printf(Locale.ROOT, "  %-20s %-5s last check-in %s%n", n.node(), n.alive() ? "up" : "GONE",
                    when(n.lastCheckin(), d.now(), zone));
        }
        out().println("hosts:");
        for (FleetStatus.HostStatus h : d.hosts()) {
            out().println("  " + h.host());
            for (FleetStatus.SourceStatus src : h.sources()) {
                out().printf(Locale.ROOT, "    %-20s newest snapshot %s%s%n", src.source(),
                        when(src.newestSnapshotTime(), d.now(), zone), src.stale() ? "  STALE" : "");
            }
        }
        if (d.repositoryError() != null) {
            out().println("  repository: " + d.repositoryError());
        }
        out().println("fleet jobs:");
        for (FleetStatus.JobStatus j : d.jobs()) {
            out().printf(Locale.ROOT, "  %-8s last %s, next %s%n", j.job(), j.lastRun() == null ? "never"
                    : when(j.lastRun(), d.now(), zone) + " " + j.lastStatus() + " on " + j.lastNode(),
                    j.nextRun() == null ? "never" : when(j.nextRun(), d.now(), zone));
        }
        return d.exitCode();
    }

    /** Local time and how long ago (or from now), e.g. {@code 2026-12-01 03:00 (3 h ago)}. */
    static String when(Instant t, Instant now, ZoneId zone) {
        if (t == null) {
            return "-";
        }
        Duration d = Duration.between(t, now);
        boolean future = d.isNegative();
        d = d.abs();
        String age = d.toMinutes() < 1 ? "just now"
                : d.toHours() < 1 ? d.toMinutes() + " min"
                : d.toDays() < 2 ? d.toHours() + " h"
                : d.toDays() + " days";
        if (!age.equals("just now")) {
            age = future ? "in " + age : age + " ago";
        }
        return LOCAL.format(t.atZone(zone)) + " (" + age + ")";
    }

    private static String quota(JsonNode q, Instant now, ZoneId zone) {
        StringBuilder sb = new StringBuilder();
        sb.append(q.path("remote").asText("?")).append(' ').append(q.path("level").asText("unknown"));
        if (q.path("free").isNumber()) {
            sb.append(", ").append(Size.human(q.path("free").asLong())).append(" free");
            if (q.path("total").isNumber()) {
                sb.append(" of ").append(Size.human(q.path("total").asLong()));
            }
        }
        if (q.path("trashed").isNumber() && q.path("trashed").asLong() > 0) {
            sb.append(", ").append(Size.human(q.path("trashed").asLong())).append(" in the trash");
        }
        if (q.hasNonNull("error")) {
            sb.append(", error: ").append(q.path("error").asText());
        }
        if (q.hasNonNull("time")) {
            try {
                sb.append(", asked ").append(when(Instant.parse(q.path("time").asText()), now, zone));
            } catch (java.time.format.DateTimeParseException e) {
                // a sample without a readable time: shown without it
            }
        }
        return sb.toString();
    }
}
