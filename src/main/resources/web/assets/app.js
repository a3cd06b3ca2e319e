// cfs-backup web console: plain JS, no build step. Every text goes in through textContent.
"use strict";

let csrf = null;
let status = null;
let refreshTimer = null;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.substring(2), v);
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined) continue;
    e.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return e;
}

async function api(path, opts) {
  const o = Object.assign({ headers: {} }, opts || {});
  if (o.method && o.method !== "GET") o.headers["X-CSRF-Token"] = csrf;
  const r = await fetch(path, o);
  if (r.status === 401) { location.href = "/login"; throw new Error("not logged in"); }
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
  return body;
}

function human(bytes) {
  if (bytes === null || bytes === undefined) return "-";
  const u = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = Number(bytes), i = 0;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v : v.toFixed(1)) + " " + u[i];
}

function age(seconds) {
  if (seconds === null || seconds === undefined) return "-";
  const s = Number(seconds);
  if (s < 90) return Math.round(s) + " s";
  if (s < 5400) return Math.round(s / 60) + " min";
  if (s < 172800) return (s / 3600).toFixed(1) + " h";
  return (s / 86400).toFixed(1) + " d";
}

function when(t) {
  if (!t) return "never";
  const d = new Date(t);
  return d.toISOString().replace("T", " ").substring(0, 19) + " UTC";
}

function secs(x) { return x === null || x === undefined ? "-" : Number(x).toFixed(1) + " s"; }

function stateClass(s) {
  return s === "ok" || s === true ? "ok" : (s === "partial" || s === "warning" || s === "queued" || s === "running") ? "warn" : s ? "bad" : "muted";
}

function show(...nodes) {
  const v = document.getElementById("view");
  v.replaceChildren(...nodes.filter(n => n !== null && n !== undefined));
}

// ---- job banner: progress of the running job on every page ----

async function pollJobs() {
  let list = [];
  try { list = await api("/api/jobs"); } catch (e) { return false; }
  const banner = document.getElementById("job-banner");
  const active = list.filter(j => j.state === "running" || j.state === "queued");
  if (active.length === 0) { banner.classList.add("hidden"); return false; }
  const j = active[active.length - 1];
  const p = j.progress;
  const bar = el("div", {});
  const pct = p ? Math.round(p.percent_done * 100) : 0;
  bar.style.width = pct + "%";
  banner.replaceChildren(el("span", { id: "banner-text", text: j.job + " " + (j.sources.length ? j.sources.join(", ") : "all sources") + ": " + j.state + " " }),
    el("span", { class: "progress" }, bar),
    p ? el("span", { text: " " + progressText(p) }) : null);
  banner.classList.remove("hidden");
  return true;
}

function progressText(p) {
  const parts = [];
  if (p.phase) parts.push(p.phase);
  if (p.total_bytes) parts.push(Math.round(p.percent_done * 100) + "%", human(p.bytes_done) + " of " + human(p.total_bytes));
  else parts.push(human(p.bytes_done) + " so far");
  if (p.total_files !== null && p.total_files !== undefined) parts.push(p.files_done + "/" + p.total_files + " files");
  if (p.seconds_remaining !== null && p.seconds_remaining !== undefined) parts.push("ETA " + age(p.seconds_remaining));
  return parts.join(" · ") + " (" + p.source + ")";
}

function jobDetail(j) {
  if (j.error) return j.error;
  const r = j.result;
  if (!r) return j.restore ? (j.restore.mode === "in-place" ? "in place" : j.restore.path + " → " + j.restore.target) : "";
  if (j.job === "restore") {
    return "restored " + r.files_restored + " files, " + human(r.bytes_restored) + " to " + r.target + " in " + secs(r.duration_s)
      + (r.pre_restore_snapshot_id ? " · previous state saved as snapshot " + r.pre_restore_snapshot_id : "");
  }
  return r.sources ? r.sources.map(s => s.source + " " + (s.status || (s.passed ? "passed" : "failed")) + (s.snapshot_id ? " " + s.snapshot_id : "")).join("; ") : "";
}

// ---- restore: a file or folder into a target folder, or a source in place after typing its name ----

function restorePanel(o) {
  // o: {source, id, path} for a target restore, {source, inPlace: true} for in place
  const box = el("div", { class: "card restore-panel", id: "restore-panel" });
  const msg = el("p", { id: "restore-message", class: "muted" });
  const what = o.inPlace ? "Restore " + o.source + " in place" : "Restore " + (o.path && o.path !== "/" ? o.path : "all of " + o.source) + " from snapshot " + o.id.substring(0, 8);
  async function run(body, button) {
    button.disabled = true;
    msg.className = "muted";
    msg.textContent = "queued…";
    try {
      const r = await api("/api/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      await follow(r.id);
    } catch (e) {
      msg.className = "bad";
      msg.textContent = e.message;
    } finally {
      button.disabled = false;
    }
  }
  async function follow(id) {
    for (;;) {
      const j = await api("/api/jobs/" + id);
      pollJobs();
      if (j.state === "queued" || j.state === "running") {
        msg.className = "warn";
        msg.textContent = j.state + (j.progress ? ": " + progressText(j.progress) : "");
        await new Promise(res => setTimeout(res, 1000));
        continue;
      }
      msg.className = stateClass(j.state);
      msg.textContent = j.state + ": " + jobDetail(j);
      msg.setAttribute("data-state", j.state);
      if (o.onDone) o.onDone(j);
      return;
    }
  }
  if (o.inPlace) {
    const snap = el("input", { id: "restore-snapshot", value: o.id || "latest", size: 20 });
    const confirm = el("input", { id: "restore-confirm", placeholder: o.source, autocomplete: "off", size: 20 });
    const go = el("button", { id: "restore-go", class: "danger", text: "Replace the live data" });
    go.onclick = () => run({ job: "restore", sources: [o.source], snapshot: snap.value, in_place: true, confirm: confirm.value }, go);
    box.append(el("h3", { text: what }),
      el("p", { class: "warn", text: "This replaces the live data of " + o.source + " (containers using it are stopped meanwhile). Its current state is saved first as a snapshot tagged pre-restore, the way back." }),
      el("label", {}, "Snapshot ", snap), " ",
      el("label", {}, "Type ", el("b", { text: o.source }), " to confirm ", confirm), " ", go, msg);
  } else {
    const target = el("input", { id: "restore-target", placeholder: "/srv/restore/" + o.source, size: 40 });
    const into = el("input", { id: "restore-into-source", type: "checkbox" });
    const go = el("button", { id: "restore-go", class: "primary", text: "Restore" });
    go.onclick = () => run({ job: "restore", sources: [o.source], snapshot: o.id, path: o.path || "/", target: target.value, into_source: into.checked }, go);
    box.append(el("h3", { text: what }),
      el("p", { class: "muted", text: "Into an absolute folder that is absent (it is made) or empty; a file lands at its path below it, as restore --include lays it out." }),
      el("label", {}, "Target folder ", target), " ",
      el("label", {}, into, " inside a live source folder, on purpose"), " ", go, msg);
  }
  return box;
}

function scheduleRefresh(fn, busy) {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(fn, busy ? 3000 : 30000);
}

// ---- dashboard ----

async function dashboard() {
  const [st, hist, alertsOnly] = await Promise.all([api("/api/status"), api("/api/history?job=drill&limit=500"), null]);
  status = st;
  document.getElementById("host").textContent = "host " + st.host;
  const lastDrill = {};
  for (const r of hist) if (r.source && !(r.source in lastDrill)) lastDrill[r.source] = r;
  const next = {};
  for (const j of st.jobs) next[j.job] = j.next_run;
  const problems = [];
  for (const s of st.sources) {
    if (s.stale !== false) problems.push(s.source + ": " + (s.newest_snapshot_time ? "stale" : "no snapshot"));
    if (s.last_backup_status && s.last_backup_status !== "ok") problems.push(s.source + ": last backup " + s.last_backup_status);
    const d = lastDrill[s.source];
    if (!d) problems.push(s.source + ": never drilled");
    else if (d.status !== "ok") problems.push(s.source + ": last drill " + d.status);
  }
  if (st.repository_error) problems.push("repository: " + st.repository_error);
  for (const a of st.alerts) problems.push("alert: " + a.title);
  const ok = problems.length === 0;
  const headline = el("div", { id: "headline", class: "headline " + (ok ? "ok" : "bad"),
    text: ok ? "All " + st.sources.length + " sources fresh and drilled" : problems.length + (problems.length === 1 ? " problem" : " problems") });
  const rows = st.sources.map(s => {
    const d = lastDrill[s.source];
    return el("tr", { class: "source-row", "data-source": s.source },
      el("td", {}, el("b", { text: s.source })),
      el("td", {}, when(s.last_backup), " ", el("span", { class: stateClass(s.last_backup_status), text: s.last_backup_status || "" })),
      el("td", { class: "num", text: human(s.size) }),
      el("td", { class: "num", text: secs(s.duration_s) }),
      el("td", { class: "num", text: secs(s.downtime_s) }),
      el("td", { class: s.stale ? "bad" : "", text: s.newest_snapshot_time ? age(s.snapshot_age_s) + (s.stale ? " (stale)" : "") : "none" }),
      el("td", {}, d ? el("span", { class: stateClass(d.status), text: d.status }) : el("span", { class: "muted", text: "never" }), d ? " " + when(d.end) : ""),
      el("td", { text: when(next.backup) }));
  });
  const table = el("table", { id: "sources" },
    el("thead", {}, el("tr", {}, ...["Source", "Last backup", "Size", "Duration", "Downtime", "Newest snapshot", "Last drill", "Next backup"].map(h => el("th", { text: h })))),
    el("tbody", {}, rows));
  const q = st.quota;
  const quota = el("div", { class: "card", id: "quota" }, el("h3", { text: "Drive quota" }),
    q ? el("div", {},
      el("div", {}, "level ", el("span", { class: stateClass(q.level === "ok" ? "ok" : q.level), text: q.level || "unknown" })),
      el("div", { text: "used " + human(q.used) + " · free " + human(q.free) + " of " + human(q.total) + (q.trashed ? " · trash " + human(q.trashed) : "") }),
      el("div", { text: q.days_until_full !== null && q.days_until_full !== undefined ? "full in about " + Number(q.days_until_full).toFixed(0) + " days" : "no forecast" }),
      el("div", { class: "muted", text: "sampled " + when(q.time) }))
      : el("p", { class: "muted", text: "no quota sample yet (cfs-backup quota)" }));
  const alerts = el("div", { class: "card", id: "alerts" }, el("h3", { text: "Open alerts" }),
    st.alerts.length === 0 ? el("p", { class: "muted", text: "none" })
      : el("ul", {}, st.alerts.map(a => el("li", {}, el("span", { class: a.severity === "CRITICAL" ? "bad" : "warn", text: a.severity }), " " + a.title + " (since " + when(a.since) + ")"))));
  const jobs = el("div", { class: "card", id: "schedule" }, el("h3", { text: "Schedule" }),
    el("ul", {}, st.jobs.map(j => el("li", {}, el("b", { text: j.job }), " last ", el("span", { class: stateClass(j.last_status), text: j.last_status || "never" }), " · next " + when(j.next_run)))),
    el("p", { class: "muted", text: st.daemon.running ? "daemon running (pid " + st.daemon.pid + ")" : "daemon not running" }));
  const charts = el("div", { id: "charts" });
  show(el("h1", { text: "Dashboard" }), headline,
    ok ? null : el("ul", { id: "problems" }, problems.map(p => el("li", { class: "bad", text: p }))),
    el("h2", { text: "Sources" }), table,
    el("h2", { text: "Remote and alerts" }), el("div", { class: "cards" }, quota, alerts, jobs),
    el("h2", { text: "Last 90 days" }), charts);
  drawCharts(charts, q).catch(e => charts.append(el("p", { class: "muted", text: "charts: " + e.message })));
  const busy = await pollJobs();
  scheduleRefresh(() => { if (location.hash === "" || location.hash === "#dashboard") route(); }, busy);
}

async function drawCharts(box, lastQuota) {
  const c = await api("/api/charts");
  if (typeof uPlot === "undefined") return;
  const names = Object.keys(c.backups);
  const palette = ["#2756a6", "#c0362c", "#18794e", "#a35a00", "#6a3fb5", "#0f7c8c"];
  function series(field, scale) {
    const ts = [...new Set(names.flatMap(n => c.backups[n].map(p => p.t)))].sort((a, b) => a - b);
    if (ts.length === 0) return null;
    const data = [ts];
    for (const n of names) {
      const m = new Map(c.backups[n].map(p => [p.t, p[field]]));
      data.push(ts.map(t => m.has(t) && m.get(t) !== null ? m.get(t) / scale : null));
    }
    return data;
  }
  function chart(title, data, unit, extraSeries) {
    const wrap = el("div", { class: "chart" }, el("h3", { text: title }));
    box.append(wrap);
    if (!data) { wrap.append(el("p", { class: "muted", text: "no data yet" })); return; }
    const s = extraSeries || names.map((n, i) => ({ label: n, stroke: palette[i % palette.length], spanGaps: true, points: { show: true } }));
    new uPlot({ width: 560, height: 220, series: [{}, ...s], axes: [{}, { label: unit }] }, data, wrap);
  }
  chart("Backed-up size per source (MiB)", series("bytes", 1048576), "MiB");
  chart("Backup duration (s)", series("duration_s", 1), "s");
  chart("Downtime (s)", series("downtime_s", 1), "s");
  if (c.quota.length > 0) {
    const ts = c.quota.map(p => p.t);
    const used = c.quota.map(p => p.used === null ? null : p.used / 1073741824);
    const free = c.quota.map(p => p.free === null ? null : p.free / 1073741824);
    const fc = c.quota.map(() => null);
    if (lastQuota && lastQuota.days_until_full && lastQuota.total) {
      // the forecast line: from the last sample to full at the forecast day
      fc[fc.length - 1] = used[used.length - 1];
      ts.push(ts[ts.length - 1] + Math.round(lastQuota.days_until_full * 86400));
      used.push(null); free.push(null); fc.push(lastQuota.total / 1073741824);
    }
    chart("Drive quota (GiB)", [ts, used, free, fc], "GiB", [
      { label: "used", stroke: "#c0362c" }, { label: "free", stroke: "#18794e" },
      { label: "forecast", stroke: "#a35a00", dash: [6, 4], spanGaps: true }]);
  } else {
    chart("Drive quota (GiB)", null);
  }
}

// ---- snapshots: list, browse folder by folder, download, compare ----

async function snapshots(params) {
  const st = status || await api("/api/status");
  status = st;
  const source = params.get("source") || (st.sources[0] && st.sources[0].source);
  const select = el("select", { id: "source-select", onchange: e => { location.hash = "#snapshots?source=" + encodeURIComponent(e.target.value); } },
    st.sources.map(s => el("option", { value: s.source, selected: s.source === source ? "selected" : null, text: s.source })));
  show(el("h1", { text: "Snapshots" }), el("div", { class: "toolbar" }, "Source ", select), el("p", { class: "muted", text: "Loading…" }));
  if (!source) return;
  const snaps = await api("/api/snapshots?source=" + encodeURIComponent(source));
  const rows = snaps.map((s, i) => el("tr", {},
    el("td", {}, el("a", { class: "snap", href: "#browse?id=" + s.id + "&path=/", "data-id": s.id, text: s.short_id })),
    el("td", { text: when(s.time) }),
    el("td", { text: s.tags.filter(t => t !== source).join(", ") }),
    el("td", { text: s.host }),
    el("td", {}, el("code", { text: s.paths.join(" ") })),
    el("td", {}, i + 1 < snaps.length ? el("a", { class: "compare", href: "#diff?source=" + encodeURIComponent(source) + "&from=" + snaps[i + 1].id + "&to=" + s.id, text: "changes since previous" }) : "")));
  show(el("h1", { text: "Snapshots" }), el("div", { class: "toolbar" }, "Source ", select, el("span", { class: "muted", text: snaps.length + " snapshots, newest first" })),
    el("table", { id: "snapshot-list" }, el("thead", {}, el("tr", {}, ...["Snapshot", "Time", "Tags", "Host", "Paths", ""].map(h => el("th", { text: h })))), el("tbody", {}, rows)));
}

function fileUrl(id, path) {
  return "/api/snapshots/" + id + "/file?path=" + encodeURIComponent(path);
}

async function browse(params) {
  const id = params.get("id");
  const path = params.get("path") || "/";
  const entriesBody = el("tbody", {});
  const parts = path.split("/").filter(p => p);
  const crumbs = el("div", { class: "crumbs", id: "crumbs" }, el("a", { href: "#browse?id=" + id + "&path=/", text: "/" }),
    parts.map((p, i) => [el("a", { href: "#browse?id=" + id + "&path=" + encodeURIComponent(parts.slice(0, i + 1).join("/")), text: p }), "/"]));
  const more = el("button", { id: "more", class: "hidden", text: "More…" });
  const count = el("span", { class: "muted", id: "entry-count" });
  let shown = 0;
  let source = "";
  async function page(after) {
    more.disabled = true;
    const p = await api("/api/snapshots/" + id + "/ls?path=" + encodeURIComponent(path) + "&limit=200" + (after ? "&after=" + encodeURIComponent(after) : ""));
    source = p.source;
    for (const e of p.entries) {
      const isDir = e.type === "dir";
      const name = isDir
        ? el("a", { class: "dir", href: "#browse?id=" + id + "&path=" + encodeURIComponent(e.path), text: e.name + "/" })
        : el("span", { class: "name", text: e.name + (e.linktarget ? " -> " + e.linktarget : "") });
      entriesBody.append(el("tr", { class: "entry", "data-name": e.name },
        el("td", {}, name),
        el("td", { text: e.type }),
        el("td", { class: "num", text: isDir ? "" : human(e.size) }),
        el("td", {}, el("code", { text: e.mode })),
        el("td", { text: e.uid + ":" + e.gid }),
        el("td", { text: when(e.mtime) }),
        el("td", {}, e.type === "file" ? el("a", { class: "download", href: fileUrl(id, e.path), download: e.name, text: "download" })
          : isDir ? el("a", { class: "tar", href: fileUrl(id, e.path), text: "tar" }) : ""),
        el("td", {}, e.type === "file" || isDir ? el("button", { class: "restore link", "data-path": e.path, text: "restore…", onclick: () => openRestore(e.path) }) : "")));
    }
    shown += p.entries.length;
    count.textContent = shown + " entries" + (p.next ? " (more)" : "");
    more.classList.toggle("hidden", !p.next);
    more.disabled = false;
    more.onclick = () => page(p.next);
    title.textContent = "Snapshot " + id.substring(0, 8) + " of " + source;
  }
  const title = el("h1", { text: "Snapshot " + id.substring(0, 8) });
  const panelSlot = el("div", { id: "restore-slot" });
  function openRestore(p) {
    panelSlot.replaceChildren(restorePanel({ source: source, id: id, path: p }));
    document.getElementById("restore-target").focus();
  }
  show(title, el("div", { class: "toolbar" }, crumbs, count,
    el("a", { class: "tar", id: "folder-tar", href: fileUrl(id, path), text: "download this folder as tar" }),
    el("button", { class: "link", id: "folder-restore", text: "restore this folder…", onclick: () => openRestore(path) })),
    panelSlot,
    el("table", { id: "entries" }, el("thead", {}, el("tr", {}, ...["Name", "Type", "Size", "Mode", "Owner", "Modified", "", ""].map(h => el("th", { text: h })))), entriesBody),
    el("div", { class: "toolbar" }, more));
  await page(null);
}

async function diff(params) {
  const d = await api("/api/diff?source=" + encodeURIComponent(params.get("source")) + "&from=" + params.get("from") + "&to=" + params.get("to"));
  const list = (title, items, cls) => el("div", { class: "card" }, el("h3", { text: title }), el("ul", { class: cls }, items.map(p => el("li", { text: p }))));
  show(el("h1", { text: "Changes in " + d.source + ": " + d.from.substring(0, 8) + " → " + d.to.substring(0, 8) }),
    el("p", { id: "diff-summary", text: d.added_count + " added, " + d.removed_count + " removed, " + d.changed_count + " changed" + (d.truncated ? " (lists cut)" : "") }),
    el("div", { class: "cards" }, list("Added", d.added, "added"), list("Removed", d.removed, "removed"), list("Changed", d.changed, "changed")));
}

// ---- actions ----

async function actions() {
  const st = status || await api("/api/status");
  status = st;
  const jobsBox = el("div", { id: "jobs" });
  async function start(job, sources) {
    const r = await api("/api/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ job: job, sources: sources }) });
    await refreshJobs();
    return r;
  }
  async function refreshJobs() {
    const list = await api("/api/jobs");
    jobsBox.replaceChildren(list.length === 0 ? el("p", { class: "muted", text: "no job started from here yet" }) :
      el("table", {}, el("thead", {}, el("tr", {}, ...["Job", "Sources", "State", "Queued", "Finished", "Detail"].map(h => el("th", { text: h })))),
        el("tbody", {}, list.map(j => el("tr", { class: "job", "data-id": j.id },
          el("td", { text: j.job }), el("td", { text: j.sources.length ? j.sources.join(", ") : "all" }),
          el("td", {}, el("span", { class: "job-state " + stateClass(j.state), text: j.state })),
          el("td", { text: when(j.queued_at) }), el("td", { text: j.finished_at ? when(j.finished_at) : "" }),
          el("td", { class: "job-detail", text: jobDetail(j) }))))));
    const busy = await pollJobs();
    if (location.hash.startsWith("#actions")) scheduleRefresh(refreshJobs, busy);
  }
  const rows = st.sources.map(s => el("tr", {},
    el("td", {}, el("b", { text: s.source })),
    el("td", {}, el("button", { class: "backup primary", "data-source": s.source, text: "Back up now", onclick: e => { e.target.disabled = true; start("backup", [s.source]).finally(() => e.target.disabled = false); } })),
    el("td", {}, el("button", { class: "drill", "data-source": s.source, text: "Drill now", onclick: e => { e.target.disabled = true; start("drill", [s.source]).finally(() => e.target.disabled = false); } })),
    el("td", {}, el("button", { class: "restore-in-place", "data-source": s.source, text: "Restore in place…", onclick: () => { panelSlot.replaceChildren(restorePanel({ source: s.source, inPlace: true, onDone: () => refreshJobs() })); document.getElementById("restore-confirm").focus(); } }))));
  const panelSlot = el("div", { id: "restore-slot" });
  show(el("h1", { text: "Actions" }),
    el("p", { class: "muted", text: "Each action runs as a queued job, one at a time, as the command line runs it (it waits while another cfs-backup operation holds the lock)." }),
    el("table", { id: "action-table" }, el("thead", {}, el("tr", {}, el("th", { text: "Source" }), el("th", { text: "" }), el("th", { text: "" }), el("th", { text: "" }))), el("tbody", {}, rows)),
    panelSlot,
    el("div", { class: "toolbar" }, el("button", { id: "backup-all", text: "Back up all sources", onclick: () => start("backup", []) }),
      el("button", { id: "drill-all", text: "Drill all sources", onclick: () => start("drill", []) })),
    el("h2", { text: "Jobs" }), jobsBox);
  await refreshJobs();
}

// ---- history ----

async function history(params) {
  const st = status || await api("/api/status");
  status = st;
  const job = params.get("job") || "";
  const source = params.get("source") || "";
  const go = () => { location.hash = "#history?job=" + encodeURIComponent(jobSel.value) + "&source=" + encodeURIComponent(srcSel.value); };
  const jobSel = el("select", { id: "history-job", onchange: go }, ["", "backup", "drill", "prune", "check", "quota", "audit", "restore"].map(j => el("option", { value: j, selected: j === job ? "selected" : null, text: j || "every job" })));
  const srcSel = el("select", { id: "history-source", onchange: go }, ["", ...st.sources.map(s => s.source)].map(s => el("option", { value: s, selected: s === source ? "selected" : null, text: s || "every source" })));
  const h = await api("/api/history?limit=500&job=" + encodeURIComponent(job) + "&source=" + encodeURIComponent(source));
  const fig = f => !f ? "" : Object.entries(f).filter(([k, v]) => v !== null && typeof v !== "object").map(([k, v]) => k + "=" + (k.includes("bytes") || k === "data_added" ? human(v) : v)).join(" ");
  show(el("h1", { text: "History" }), el("div", { class: "toolbar" }, "Job ", jobSel, " Source ", srcSel, el("span", { class: "muted", text: h.length + " runs, newest first" })),
    el("table", { id: "history" }, el("thead", {}, el("tr", {}, ...["Start", "Job", "Source", "Status", "Duration", "Snapshot", "Figures", "Error"].map(x => el("th", { text: x })))),
      el("tbody", {}, h.map(r => el("tr", { class: "run" },
        el("td", { text: when(r.start) }), el("td", { text: r.job }), el("td", { text: r.source || "" }),
        el("td", {}, el("span", { class: stateClass(r.status), text: r.status })),
        el("td", { class: "num", text: r.start && r.end ? secs((new Date(r.end) - new Date(r.start)) / 1000) : "" }),
        el("td", { text: r.snapshot_id || "" }), el("td", { class: "muted", text: fig(r.figures) }), el("td", { class: "bad", text: r.error || "" }))))));
}

// ---- routing ----

async function route() {
  const hash = location.hash.substring(1) || "dashboard";
  const q = hash.indexOf("?");
  const name = q < 0 ? hash : hash.substring(0, q);
  const params = new URLSearchParams(q < 0 ? "" : hash.substring(q + 1));
  for (const a of document.querySelectorAll("header nav a")) {
    a.classList.toggle("active", a.id === "nav-" + (name === "browse" || name === "diff" ? "snapshots" : name));
  }
  clearTimeout(refreshTimer);
  try {
    if (name === "snapshots") await snapshots(params);
    else if (name === "browse") await browse(params);
    else if (name === "diff") await diff(params);
    else if (name === "actions") await actions();
    else if (name === "history") await history(params);
    else await dashboard();
  } catch (e) {
    show(el("h1", { text: "Error" }), el("p", { class: "bad", id: "error", text: e.message }));
  }
}

async function init() {
  const s = await api("/api/session");
  csrf = s.csrf;
  document.getElementById("logout-csrf").value = csrf;
  window.addEventListener("hashchange", route);
  route();
}

document.addEventListener("DOMContentLoaded", init);
