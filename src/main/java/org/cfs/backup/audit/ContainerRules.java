package org.cfs.backup.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The container rules: writable mounts of protected paths, privileged containers, the Docker
 * socket, host namespaces, added capabilities, secrets in the environment, the legacy shadow mount.
 */
public final class ContainerRules {
    /** The deprecated IDE backup mount; the home backup covers its data. */
    public static final String LEGACY_SHADOW_MOUNT = "/home/kasm-user/data/ide-backup";
    static final Set<String> DOCKER_SOCKETS = Set.of("/var/run/docker.sock", "/run/docker.sock");
    /** The names: *PASSWORD*, *SECRET*, *TOKEN*, *API_KEY*, RESTIC_*, RCLONE_CONFIG_PASS (plus PASSWD, APIKEY). */
    static final Pattern SECRET_NAME = Pattern.compile(
            "(?i)^(?:.*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|APIKEY).*|RESTIC_.*|RCLONE_CONFIG_PASS)$");
    /** {@code *_FILE} variables point at a mounted secret file (the recommended way), they do not carry one. */
    static final Pattern FILE_REFERENCE = Pattern.compile("(?i).*_FILE$");

    private final List<String> protectedPaths;
    private final HeldSecrets secrets;

    public ContainerRules(List<String> protectedPaths, HeldSecrets secrets) {
        Set<String> paths = new LinkedHashSet<>();
        for (String p : protectedPaths) {
            String n = normalize(p);
            paths.add(n);
            // a protected path reached through a symlink is mounted by its real path
            try {
                paths.add(normalize(Path.of(n).toRealPath().toString()));
            } catch (IOException | RuntimeException e) {
                // absent on this host: the configured spelling is all there is to match
            }
        }
        this.protectedPaths = List.copyOf(paths);
        this.secrets = secrets;
    }

    public List<Finding> check(ContainerInspector.Info c) {
        List<Finding> out = new ArrayList<>();
        String who = "container " + c.name() + " (" + c.state() + ")";
        for (ContainerInspector.Mount m : c.mounts()) {
            String src = normalize(m.source());
            if ("bind".equals(m.type()) && m.rw()) {
                for (String p : protectedPaths) {
                    if (under(src, p)) {
                        out.add(Finding.of("protected-mount-writable", Severity.CRITICAL, c.name() + ":" + m.destination(),
                                who + " mounts protected path " + src + " writable at " + m.destination()
                                        + " (mount it read-only)"));
                        break;
                    }
                    if (under(p, src)) {
                        out.add(Finding.of("protected-mount-writable", Severity.CRITICAL, c.name() + ":" + m.destination(),
                                who + " mounts " + src + ", which contains protected path " + p + ", writable at "
                                        + m.destination()));
                        break;
                    }
                }
            }
            if (DOCKER_SOCKETS.contains(src) || DOCKER_SOCKETS.contains(normalize(m.destination()))) {
                out.add(Finding.of("docker-socket", Severity.CRITICAL, c.name() + ":" + m.destination(),
                        who + " mounts the Docker socket " + src + " at " + m.destination()
                                + " (full control of the engine, read-only or not)"));
            }
            if (under(src, LEGACY_SHADOW_MOUNT) || under(normalize(m.destination()), LEGACY_SHADOW_MOUNT)) {
                out.add(Finding.of("legacy-shadow-mount", Severity.WARNING, c.name() + ":" + m.destination(),
                        who + " still mounts the deprecated legacy shadow mount " + LEGACY_SHADOW_MOUNT
                                + " (the IDE home backup covers its data; remove the mount)"));
            }
        }
        if (c.privileged()) {
            out.add(Finding.of("privileged-container", Severity.CRITICAL, c.name(),
                    who + " runs privileged (every capability and device of the host)"));
        }
        List<String> hostNs = new ArrayList<>();
        addIfHost(hostNs, "pid", c.pidMode());
        addIfHost(hostNs, "network", c.networkMode());
        addIfHost(hostNs, "ipc", c.ipcMode());
        addIfHost(hostNs, "uts", c.utsMode());
        addIfHost(hostNs, "userns", c.usernsMode());
        if (!hostNs.isEmpty()) {
            out.add(Finding.of("host-namespace", Severity.WARNING, c.name(),
                    who + " shares the host's " + String.join(", ", hostNs) + " namespace"
                            + (hostNs.size() > 1 ? "s" : "")));
        }
        if (!c.capAdd().isEmpty()) {
            out.add(Finding.of("added-capabilities", Severity.WARNING, c.name(),
                    who + " has added capabilities " + String.join(", ", c.capAdd())));
        }
        // the engine adds label=disable to privileged containers itself: only report options of unprivileged ones
        for (String opt : c.privileged() ? List.<String>of() : c.securityOpt()) {
            String o = opt.toLowerCase(Locale.ROOT);
            if (o.matches("(seccomp|apparmor|systempaths)[=:]unconfined|label[=:]disable")) {
                out.add(Finding.of("privileged-container", Severity.CRITICAL, c.name() + ":" + opt,
                        who + " runs with security option " + opt));
            }
        }
        for (String e : c.env()) {
            int eq = e.indexOf('=');
            String name = eq < 0 ? e : e.substring(0, eq);
            String value = eq < 0 ? "" : e.substring(eq + 1);
            if (value.isEmpty()) {
                continue;
            }
            String held = secrets.match(value);
            boolean byName = SECRET_NAME.matcher(name).matches()
                    && (!FILE_REFERENCE.matcher(name).matches() || name.toUpperCase(Locale.ROOT).startsWith("RESTIC_"));
            if (held != null) {
                out.add(Finding.of("container-secret-env", Severity.CRITICAL, c.name() + ":" + name,
                        who + " has environment variable " + name + " holding " + held + " (value not shown)"));
            } else if (byName) {
                out.add(Finding.of("container-secret-env", Severity.CRITICAL, c.name() + ":" + name,
                        who + " has environment variable " + name + " that carries a secret by its name (value not shown);"
                                + " pass secrets as files, not environment"));
            }
        }
        return out;
    }

    private static void addIfHost(List<String> out, String ns, String mode) {
        if ("host".equals(mode)) {
            out.add(ns);
        }
    }

    /** True when {@code path} is {@code root} or lies below it. */
    static boolean under(String path, String root) {
        if (path.isEmpty() || root.isEmpty()) {
            return false;
        }
        return path.equals(root) || root.equals("/") || path.startsWith(root + "/");
    }

    static String normalize(String p) {
        if (p == null || p.isEmpty()) {
            return "";
        }
        String n = Path.of(p).normalize().toString();
        return n.length() > 1 && n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }
}
