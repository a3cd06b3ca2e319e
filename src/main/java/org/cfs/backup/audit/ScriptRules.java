package org.cfs.backup.audit;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The workspace rules: line patterns for scripts that raise their own container's privileges or
 * change the Docker daemon. Each pattern is tried on the line's code (comments removed) and on a
 * form with quotes, commas and brackets turned into blanks, so {@code ["docker", "run", "--privileged"]}
 * reads like the shell command it runs.
 */
final class ScriptRules {
    /** One way a line breaks a rule. */
    record Check(String rule, Pattern pattern, String detail, Set<ScriptKind> kinds) {
    }

    /** A rule broken on a line. */
    record Hit(String rule, String detail) {
    }

    private static final Set<ScriptKind> ALL = EnumSet.allOf(ScriptKind.class);
    private static final Set<ScriptKind> COMPOSE = EnumSet.of(ScriptKind.COMPOSE);
    private static final Set<ScriptKind> PYTHON = EnumSet.of(ScriptKind.PYTHON);
    private static final Set<ScriptKind> JS = EnumSet.of(ScriptKind.JAVASCRIPT);

    // a command word: not part of a longer name or a file name like setcap.md
    private static final String B = "(?<![\\w.-])";
    private static final String E = "(?![\\w.-])";

    static final String DAEMON_PATHS = "(?:/etc/docker" + E + "|/etc/docker/[\\w./-]+|/etc/default/docker" + E
            + "|/etc/sysconfig/docker" + E + "|/(?:etc|lib|usr/lib)/systemd/system/docker\\.(?:service|socket)[\\w./-]*"
            + "|[\\w./-]*docker\\.(?:service|socket)\\.d[\\w./-]*)";
    static final String SUDOERS_PATHS = "(?:/etc/sudoers(?:\\.d)?(?:/[\\w.@-]*)?" + E + ")";
    static final String GROUP_PATHS = "(?:/etc/(?:group|gshadow)" + E + ")";
    private static final String GROUPS = "(?:docker|sudo|wheel|root|admin)";

    static final Pattern PY_SHELL_OUT = Pattern.compile(
            "\\bsubprocess\\b|\\bos\\.(?:system|popen|exec\\w*|spawn\\w*)\\b|\\bpty\\.spawn\\b|\\bpexpect\\b|\\bplumbum\\b"
                    + "|^\\s*import\\s+(?:sh|docker)\\b|^\\s*from\\s+(?:sh|docker)\\b|\\bdocker\\.(?:from_env|DockerClient|APIClient)\\b"
                    + "|\\basyncio\\.create_subprocess_\\w+\\b");
    static final Pattern JS_SHELL_OUT = Pattern.compile(
            "\\bchild_process\\b|\\b(?:execSync|execFileSync|spawnSync|execFile)\\b|\\bexeca\\b|\\bshelljs\\b|['\"]zx['\"]|\\bzx/globals\\b"
                    + "|\\bBun\\.(?:spawn|spawnSync|\\$)|\\bDeno\\.(?:run|Command)\\b|\\bdockerode\\b|\\bnode-docker-api\\b");

    static final List<Check> CHECKS = List.of(
            // Docker daemon configuration
            new Check("docker-daemon-config", Pattern.compile(">>?\\s*['\"]?" + DAEMON_PATHS), "writes the Docker daemon's configuration", ALL),
            new Check("docker-daemon-config", Pattern.compile(B + "tee" + E + "(?:\\s+-\\S+)*\\s+['\"]?" + DAEMON_PATHS), "writes the Docker daemon's configuration", ALL),
            new Check("docker-daemon-config", Pattern.compile(B + "(?:sed|perl)\\s+(?:-\\S+\\s+)*-\\w*i\\b.*" + DAEMON_PATHS), "edits the Docker daemon's configuration in place", ALL),
            new Check("docker-daemon-config", Pattern.compile(B + "(?:mv|rm|chmod|chown|chgrp|truncate|touch|mkdir|crudini|setfacl|jq)" + E + "[^;&|]*" + DAEMON_PATHS), "changes the Docker daemon's configuration files", ALL),
            new Check("docker-daemon-config", Pattern.compile(B + "(?:cp|install|ln|rsync|scp)" + E + "[^;&|]*\\s['\"]?" + DAEMON_PATHS + "['\"]?\\s*(?:$|[;&|)\\\\])"), "copies a file over the Docker daemon's configuration", ALL),
            new Check("docker-daemon-config", Pattern.compile("^\\s*(?:COPY|ADD)\\s.*\\s['\"]?" + DAEMON_PATHS + "['\"]?\\s*$"), "copies a file over the Docker daemon's configuration", EnumSet.of(ScriptKind.DOCKERFILE)),
            new Check("docker-daemon-config", Pattern.compile("\\bopen\\s*\\([^)]*" + DAEMON_PATHS + "[^)]*,\\s*(?:mode\\s*=\\s*)?['\"][rb]?[wax+]"), "writes the Docker daemon's configuration", PYTHON),
            new Check("docker-daemon-config", Pattern.compile("(?:\\b(?:write_text|write_bytes|shutil\\.(?:copy\\w*|move))\\b.*" + DAEMON_PATHS + ")|(?:" + DAEMON_PATHS + ".*\\b(?:write_text|write_bytes)\\b)"), "writes the Docker daemon's configuration", PYTHON),
            new Check("docker-daemon-config", Pattern.compile("\\b(?:writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream|copyFile|copyFileSync|rename|renameSync)\\b.*" + DAEMON_PATHS), "writes the Docker daemon's configuration", JS),
            new Check("docker-daemon-config", Pattern.compile(DAEMON_PATHS + "['\"]?:/(?!.*:ro\\b)"), "mounts the Docker daemon's configuration writable into a container", ALL),
            new Check("docker-daemon-config", Pattern.compile(B + "dockerd\\s+-"), "starts dockerd with its own flags", ALL),
            new Check("docker-daemon-config", Pattern.compile(B + "systemctl\\s+(?:-\\S+\\s+)*(?:edit|set-property|revert)\\s+(?:-\\S+\\s+)*docker(?:\\.service|\\.socket)?" + E), "edits the Docker service unit", ALL),
            // restarting or stopping dockerd
            new Check("docker-daemon-restart", Pattern.compile(B + "systemctl\\s+(?:-\\S+\\s+)*(?:restart|reload|stop|kill|try-restart|reload-or-restart|try-reload-or-restart|disable|mask)\\s+(?:[\\w@.-]+\\s+)*docker(?:\\.service|\\.socket)?" + E), "restarts or stops the Docker daemon", ALL),
            new Check("docker-daemon-restart", Pattern.compile(B + "(?:service|rc-service)\\s+docker\\s+(?:restart|reload|force-reload|stop)\\b"), "restarts or stops the Docker daemon", ALL),
            new Check("docker-daemon-restart", Pattern.compile("/etc/init\\.d/docker\\s+(?:restart|reload|force-reload|stop)\\b"), "restarts or stops the Docker daemon", ALL),
            new Check("docker-daemon-restart", Pattern.compile(B + "(?:pkill|killall)\\s+(?:-\\S+\\s+)*dockerd" + E), "kills the Docker daemon", ALL),
            new Check("docker-daemon-restart", Pattern.compile(B + "kill" + E + ".*(?:\\b(?:pidof|pgrep)\\s+(?:-\\S+\\s+)*dockerd\\b|docker\\.pid\\b)"), "signals the Docker daemon", ALL),
            // privileged containers and unconfined security profiles
            new Check("privileged-container", Pattern.compile("--privileged(?![\\w-])(?!\\s*=\\s*false)"), "runs a container with --privileged", ALL),
            new Check("privileged-container", Pattern.compile("^\\s*privileged\\s*:\\s*['\"]?(?:true|yes|on)\\b", Pattern.CASE_INSENSITIVE), "runs a privileged service (privileged: true)", COMPOSE),
            new Check("privileged-container", Pattern.compile("\\bprivileged\\s*=\\s*True\\b"), "runs a privileged container through the Docker API", PYTHON),
            new Check("privileged-container", Pattern.compile("\\bPrivileged['\"]?\\s*:\\s*true\\b"), "runs a privileged container through the Docker API", JS),
            new Check("privileged-container", Pattern.compile("(?:seccomp|apparmor|systempaths)[=:]\\s*['\"]?unconfined\\b|\\blabel[=:]\\s*['\"]?disable\\b|no-new-privileges[=:]\\s*['\"]?false\\b"), "turns off a container's security profile (unconfined)", ALL),
            // added capabilities
            new Check("added-capabilities", Pattern.compile("--cap-add(?![\\w-])"), "adds Linux capabilities to a container (--cap-add)", ALL),
            new Check("added-capabilities", Pattern.compile("^\\s*cap_add\\s*:"), "adds Linux capabilities to a service (cap_add)", COMPOSE),
            new Check("added-capabilities", Pattern.compile("\\bcap_add\\s*="), "adds Linux capabilities through the Docker API", PYTHON),
            new Check("added-capabilities", Pattern.compile("\\bCapAdd['\"]?\\s*:"), "adds Linux capabilities through the Docker API", JS),
            // host namespaces
            new Check("host-namespace", Pattern.compile("--(?:pid|net|network|ipc|uts|userns|cgroupns)(?:=|\\s+)['\"]?host\\b"), "shares a host namespace with a container", ALL),
            new Check("host-namespace", Pattern.compile("^\\s*(?:pid|network_mode|ipc|uts|userns_mode|cgroup)\\s*:\\s*['\"]?host\\b"), "shares a host namespace with a service", COMPOSE),
            new Check("host-namespace", Pattern.compile("\\b(?:pid_mode|network_mode|ipc_mode|userns_mode|uts_mode)\\s*=\\s*['\"]host['\"]"), "shares a host namespace through the Docker API", PYTHON),
            new Check("host-namespace", Pattern.compile("\\b(?:PidMode|NetworkMode|IpcMode|UsernsMode|UTSMode)['\"]?\\s*:\\s*['\"]host['\"]"), "shares a host namespace through the Docker API", JS),
            // the Docker socket
            new Check("docker-socket", Pattern.compile("docker\\.sock['\"]?\\s*:"), "mounts the Docker socket into a container", ALL),
            new Check("docker-socket", Pattern.compile("\\b(?:source|src)=['\"]?[\\w./-]*docker\\.sock\\b"), "mounts the Docker socket into a container", ALL),
            new Check("docker-socket-permissions", Pattern.compile(B + "(?:chmod|chown|chgrp|setfacl)" + E + "[^;&|]*docker\\.sock\\b"), "opens up the Docker socket's permissions", ALL),
            // privileged groups
            new Check("privileged-group", Pattern.compile(B + "usermod" + E + ".*\\s(?:-a?G|-\\w*G|--groups|--append)\\b.*(?<![\\w-])" + GROUPS + "(?![\\w-])"), "adds a user to a privileged group", ALL),
            new Check("privileged-group", Pattern.compile(B + "useradd" + E + ".*\\s(?:-G|--groups)\\s+\\S*(?<![\\w-])" + GROUPS + "(?![\\w-])"), "creates a user in a privileged group", ALL),
            new Check("privileged-group", Pattern.compile(B + "gpasswd" + E + ".*\\s(?:-a|-M|--add|--members)\\s.*(?<![\\w-])" + GROUPS + "(?![\\w-])"), "adds a user to a privileged group", ALL),
            new Check("privileged-group", Pattern.compile(B + "(?:adduser|addgroup)\\s+(?:--\\S+\\s+)*[\\w.$-]+\\s+" + GROUPS + "(?![\\w-])"), "adds a user to a privileged group", ALL),
            new Check("privileged-group", Pattern.compile("(?:>>?\\s*['\"]?|" + B + "tee" + E + "(?:\\s+-\\S+)*\\s+['\"]?|" + B + "sed\\s+(?:-\\S+\\s+)*-\\w*i\\b.*)" + GROUP_PATHS), "edits the group database", ALL),
            // setcap, nsenter, sudoers
            new Check("setcap", Pattern.compile(B + "setcap" + E), "grants file capabilities (setcap)", ALL),
            new Check("nsenter", Pattern.compile(B + "nsenter" + E), "enters another process's namespaces (nsenter)", ALL),
            new Check("sudoers", Pattern.compile(">>?\\s*['\"]?" + SUDOERS_PATHS), "writes sudoers", ALL),
            new Check("sudoers", Pattern.compile(B + "tee" + E + "(?:\\s+-\\S+)*\\s+['\"]?" + SUDOERS_PATHS), "writes sudoers", ALL),
            new Check("sudoers", Pattern.compile(B + "(?:sed|perl)\\s+(?:-\\S+\\s+)*-\\w*i\\b.*" + SUDOERS_PATHS), "edits sudoers in place", ALL),
            new Check("sudoers", Pattern.compile(B + "(?:mv|chmod|chown|ln|touch|setfacl)" + E + "[^;&|]*" + SUDOERS_PATHS), "changes sudoers files", ALL),
            new Check("sudoers", Pattern.compile(B + "(?:cp|install|rsync)" + E + "[^;&|]*\\s['\"]?" + SUDOERS_PATHS + "['\"]?\\s*(?:$|[;&|)\\\\])"), "copies a file into sudoers", ALL),
            new Check("sudoers", Pattern.compile("^\\s*(?:COPY|ADD)\\s.*\\s['\"]?" + SUDOERS_PATHS + "['\"]?\\s*$"), "copies a file into sudoers", EnumSet.of(ScriptKind.DOCKERFILE)),
            new Check("sudoers", Pattern.compile("\\bopen\\s*\\([^)]*" + SUDOERS_PATHS + "[^)]*,\\s*(?:mode\\s*=\\s*)?['\"][rb]?[wax+]"), "writes sudoers", PYTHON),
            new Check("sudoers", Pattern.compile("\\b(?:writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream|copyFile|copyFileSync)\\b.*" + SUDOERS_PATHS), "writes sudoers", JS),
            new Check("sudoers", Pattern.compile(B + "visudo" + E + "(?!\\s+-c\\b)"), "edits sudoers (visudo)", ALL),
            new Check("sudoers", Pattern.compile("\\bNOPASSWD\\s*:"), "grants password-less sudo (NOPASSWD)", ALL));

    private ScriptRules() {
    }

    /** The rules a line of code breaks, one hit per rule (the first matching pattern's detail). */
    static List<Hit> check(ScriptKind kind, String code) {
        if (code.isBlank()) {
            return List.of();
        }
        String loose = code.replaceAll("[\"'`,\\[\\]()]", " ");
        Map<String, Hit> hits = new LinkedHashMap<>();
        for (Check c : CHECKS) {
            if (!c.kinds().contains(kind) || hits.containsKey(c.rule())) {
                continue;
            }
            if (c.pattern().matcher(code).find() || c.pattern().matcher(loose).find()) {
                hits.put(c.rule(), new Hit(c.rule(), c.detail()));
            }
        }
        return new ArrayList<>(hits.values());
    }

    static boolean shellsOut(ScriptKind kind, String code) {
        return switch (kind) {
            case PYTHON -> PY_SHELL_OUT.matcher(code).find();
            case JAVASCRIPT -> JS_SHELL_OUT.matcher(code).find();
            default -> true;
        };
    }
}
