package org.cfs.backup.schedule;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.ExitCode;
import org.cfs.backup.alert.Alerts;

/**
 * Turns a job's exit code and {@code --json} document into alert conditions: failed or partial
 * backups per source, failed drills, the prune guard, check damage, quota levels, audit findings,
 * and any job that failed in a way none of those name.
 */
public final class ResultAlerts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultAlerts() {
    }

    public static void apply(String job, int exitCode, String stdout, String stderrTail, Alerts alerts) {
        JsonNode doc = parse(stdout);
        boolean handled = switch (job) {
            case "backup" -> backup(doc, alerts);
            case "drill" -> drill(doc, exitCode, alerts);
            case "prune" -> prune(doc, alerts);
            case "check" -> check(exitCode, stderrTail, alerts);
            case "quota" -> quota(doc, alerts);
            case "audit" -> audit(doc, alerts);
            default -> false;
        };
        String key = "job-failed:" + job;
        if (exitCode == ExitCode.OK || exitCode == ExitCode.PARTIAL && handled) {
            alerts.clear(key, job + " ran again without error");
        } else if (!handled && exitCode != ExitCode.INTERRUPTED) {
            alerts.raise(key, Alerts.Severity.CRITICAL, "job " + job + " failed",
                    job + " exited " + exitCode + (stderrTail == null || stderrTail.isBlank() ? "" : ": " + lastLine(stderrTail)));
        }
    }

    static JsonNode parse(String stdout) {
        if (stdout == null || stdout.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(stdout);
        } catch (Exception e) {
            return null;
        }
    }

    private static boolean backup(JsonNode doc, Alerts alerts) {
        if (doc == null || !doc.path("sources").isArray()) {
            return false;
        }
        for (JsonNode s : doc.path("sources")) {
            String source = s.path("source").asText();
            String status = s.path("status").asText();
            String key = "backup-failed:" + source;
            switch (status) {
                case "ok" -> alerts.clear(key, "backup of " + source + " ok again");
                case "partial" -> alerts.raise(key, Alerts.Severity.WARNING, "backup of " + source + " partial",
                        s.path("error").asText("some files could not be read"));
                case "failed" -> alerts.raise(key, Alerts.Severity.CRITICAL, "backup of " + source + " failed",
                        s.path("error").asText("failed"));
                default -> {
                    // interrupted: neither a failure nor a success of the source
                }
            }
        }
        return true;
    }

    private static boolean drill(JsonNode doc, int exitCode, Alerts alerts) {
        if (doc == null || !doc.has("passed")) {
            return false;
        }
        for (JsonNode s : doc.path("sources")) {
            String source = s.path("source").asText();
            String key = "drill-failed:" + source;
            if (s.path("passed").asBoolean(false)) {
                alerts.clear(key, "restore drill of " + source + " passed again");
            } else {
                List<String> problems = new ArrayList<>();
                s.path("problems").forEach(p -> problems.add(p.isTextual() ? p.asText() : p.toString()));
                alerts.raise(key, Alerts.Severity.CRITICAL, "restore drill of " + source + " failed",
                        problems.isEmpty() ? "drill failed" : String.join("; ", problems.subList(0, Math.min(5, problems.size()))));
            }
        }
        return doc.path("passed").asBoolean(false) || exitCode == ExitCode.FAILED;
    }

    private static boolean prune(JsonNode doc, Alerts alerts) {
        if (doc == null || !doc.path("sources").isArray()) {
            return false;
        }
        boolean guarded = false;
        for (JsonNode s : doc.path("sources")) {
            String source = s.path("source").asText();
            String key = "prune-guard:" + source;
            if (s.path("guarded").asBoolean(false)) {
                guarded = true;
                alerts.raise(key, Alerts.Severity.CRITICAL, "prune guard holds " + source,
                        s.path("guard_reason").asText("newest snapshot shrank to less than half"));
            } else if (!doc.path("dry_run").asBoolean(false)) {
                alerts.clear(key, "prune of " + source + " no longer guarded");
            }
        }
        return guarded || "ok".equals(doc.path("status").asText());
    }

    private static boolean check(int exitCode, String stderrTail, Alerts alerts) {
        if (exitCode == ExitCode.OK) {
            alerts.clear("check-damage", "repository check passed");
            return true;
        }
        if (exitCode == ExitCode.FAILED) {
            alerts.raise("check-damage", Alerts.Severity.CRITICAL, "repository check found problems",
                    stderrTail == null || stderrTail.isBlank() ? "restic check failed" : lastLine(stderrTail));
            return true;
        }
        return false;
    }

    private static boolean quota(JsonNode doc, Alerts alerts) {
        if (doc == null || !doc.has("level")) {
            return false;
        }
        String level = doc.path("level").asText();
        String free = doc.path("free").isNumber() ? doc.path("free").asLong() + " bytes free" : "free space unknown";
        switch (level) {
            case "ok" -> {
                alerts.clear("quota-level", "remote quota back to ok: " + free);
                alerts.clear("quota-unknown", "the remote answers again");
            }
            case "warning" -> alerts.raise("quota-level", Alerts.Severity.WARNING, "remote quota warning", free);
            case "critical" -> alerts.raise("quota-level", Alerts.Severity.CRITICAL, "remote quota critical", free);
            default -> alerts.raise("quota-unknown", Alerts.Severity.WARNING, "remote quota unknown",
                    doc.path("error").asText("the remote did not answer"));
        }
        return true;
    }

    private static boolean audit(JsonNode doc, Alerts alerts) {
        if (doc == null || !doc.path("findings").isArray()) {
            return false;
        }
        Set<String> current = new HashSet<>();
        for (JsonNode f : doc.path("findings")) {
            String key = "audit:" + f.path("rule").asText() + ":" + f.path("subject").asText();
            current.add(key);
            Alerts.Severity sev = "critical".equals(f.path("severity").asText())
                    ? Alerts.Severity.CRITICAL : Alerts.Severity.WARNING;
            alerts.raise(key, sev, "audit: " + f.path("rule").asText() + " " + f.path("subject").asText(),
                    f.path("detail").asText(""));
        }
        for (Alerts.OpenAlert open : alerts.open()) {
            if (open.key().startsWith("audit:") && !current.contains(open.key())) {
                alerts.clear(open.key(), "audit finding gone");
            }
        }
        return true;
    }

    static String lastLine(String text) {
        String t = text.strip();
        int nl = t.lastIndexOf('\n');
        return nl >= 0 ? t.substring(nl + 1) : t;
    }
}
