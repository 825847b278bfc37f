// Refreshes the dashboard from the JSON API every 2 s. Article text is untrusted:
// every value is put in the page with textContent / createTextNode, never innerHTML.
"use strict";

const REFRESH_MS = 2000;
const SVG = "http://www.w3.org/2000/svg";
const COLORS = ["#0b6bcb", "#d97706", "#059669", "#b42318", "#7c3aed", "#0891b2", "#be185d", "#4d7c0f", "#92400e", "#475569"];

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function setText(id, value) {
  const node = document.getElementById(id);
  if (node) node.textContent = value === null || value === undefined ? "—" : String(value);
}

function fillBody(tableId, rows, columns, emptyText) {
  const body = document.querySelector("#" + tableId + " tbody");
  const fresh = document.createElement("tbody");
  if (!rows.length) {
    const td = el("td", emptyText, "empty");
    td.colSpan = columns;
    fresh.appendChild(el("tr")).appendChild(td);
  }
  for (const cells of rows) {
    const tr = fresh.appendChild(el("tr"));
    for (const cell of cells) tr.appendChild(cell instanceof Node ? cell : el("td", cell));
  }
  body.replaceWith(fresh);
  return fresh;
}

function clock(ts) { return new Date(ts * 1000).toLocaleTimeString(); }
function num(x) { return x === null || x === undefined ? "—" : Number(x).toLocaleString(); }
function seconds(x) { return x === null || x === undefined ? "—" : x + " s"; }

function label(actor) { return actor ? String(actor.name || actor.code || actor.text || "?") : ""; }

function actors(ev) {
  const parts = [];
  const source = label(ev.source), targets = (ev.targets || []).map(label).join(", ");
  if (source || targets) parts.push(targets ? (source || "?") + " → " + targets : source);
  if ((ev.participants || []).length) parts.push("with " + ev.participants.map(label).join(", "));
  return parts.join("; ") || "—";
}

function interval(ev) {
  const t = ev.time || {};
  if (t.earliest && t.latest && t.earliest !== t.latest) return t.earliest + " … " + t.latest;
  return String(t.earliest || t.latest || t.value || "—");
}

function evidenceCell(ev) {
  const td = el("td", null, "evidence");
  const trig = ev.trigger || {}, spans = ev.evidence || [];
  let before = "", word = "", after = "";
  const span = spans.find(s => s.start <= trig.start && trig.end <= s.end);
  if (span) {
    const a = trig.start - span.start, b = trig.end - span.start;
    before = span.text.slice(0, a); word = span.text.slice(a, b); after = span.text.slice(b);
  } else {
    const text = spans.length ? spans[0].text : "";
    const i = trig.text ? text.indexOf(trig.text) : -1;
    if (i >= 0) { before = text.slice(0, i); word = trig.text; after = text.slice(i + trig.text.length); }
    else before = text;
  }
  td.appendChild(document.createTextNode(before));
  td.appendChild(el("mark", word));
  td.appendChild(document.createTextNode(after));
  return td;
}

function jsonLink(ev) {
  const td = el("td");
  const a = el("a", "JSON");
  a.href = "/api/events/" + encodeURIComponent(ev.event_id || "");
  td.appendChild(a);
  return td;
}

function renderStats(s) {
  const st = s.stream;
  setText("app-id", s.settings.app_id);
  setText("extractor-version", s.extractor ? s.extractor.version : "loading…");
  setText("model", s.extractor ? s.extractor.model : "loading…");
  setText("worker", s.worker.url);
  setText("articles-total", num(st.articles));
  setText("events-total", num(st.events));
  setText("deadletters-total", num(st.deadlettered));
  setText("articles-rate", st.throughput.articles_per_s);
  setText("events-rate", st.throughput.events_per_s);
  setText("latency-p50", seconds(st.latency_s.p50));
  setText("latency-p95", seconds(st.latency_s.p95));
  setText("deadletter-reasons", Object.entries(st.deadletters_by_reason).map(([k, v]) => k + " " + v).join(" · "));

  const minute = st.events_per_minute, hour = st.events_per_hour;
  const types = Object.keys(st.events_by_type).sort();
  const sum = a => (a || []).reduce((x, y) => x + y, 0);
  fillBody("types", types.map(t => [t, num(st.events_by_type[t]), num(sum(minute.series[t])),
    num((minute.series[t] || [0]).slice(-1)[0])]), 4, "no events yet");
  renderChart(minute, types);

  const rows = st.partitions.map(p => {
    const age = p.age_s === undefined ? "—" : p.age_s + " s" + (p.stale ? " (stale)" : "");
    return [String(p.partition), p.assigned_to || p.owner || "—", num(p.processed), num(p.committed),
      num(p.highwater), num(p.lag), p.lag_seconds == null ? "—" : p.lag_seconds + " s", age];
  });
  const body = fillBody("partitions", rows, 8, "no assignment yet");
  st.partitions.forEach((p, i) => { if (p.stale && body.rows[i]) body.rows[i].className = "stale"; });
}

function renderChart(minute, types) {
  const box = document.getElementById("chart");
  const W = 600, H = 140, pad = 18, n = minute.starts.length;
  const totals = minute.starts.map((_, i) => types.reduce((acc, t) => acc + ((minute.series[t] || [])[i] || 0), 0));
  const max = Math.max(1, ...totals);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  svg.setAttribute("preserveAspectRatio", "none");
  const bw = (W - pad) / n;
  minute.starts.forEach((start, i) => {
    let y = H - pad;
    types.forEach((t, k) => {
      const v = (minute.series[t] || [])[i] || 0;
      if (!v) return;
      const h = (H - 2 * pad) * v / max;
      const r = document.createElementNS(SVG, "rect");
      r.setAttribute("x", String(pad + i * bw + 0.5)); r.setAttribute("width", String(Math.max(1, bw - 1)));
      r.setAttribute("y", String(y - h)); r.setAttribute("height", String(h));
      r.setAttribute("fill", COLORS[k % COLORS.length]);
      const title = document.createElementNS(SVG, "title");
      title.textContent = new Date(start * 1000).toLocaleTimeString() + " " + t + ": " + v;
      r.appendChild(title);
      svg.appendChild(r);
      y -= h;
    });
  });
  const axis = document.createElementNS(SVG, "line");
  axis.setAttribute("x1", String(pad)); axis.setAttribute("x2", String(W));
  axis.setAttribute("y1", String(H - pad)); axis.setAttribute("y2", String(H - pad));
  axis.setAttribute("stroke", "#99a1a9");
  svg.appendChild(axis);
  const top = document.createElementNS(SVG, "text");
  top.setAttribute("x", "0"); top.setAttribute("y", "12"); top.setAttribute("font-size", "11"); top.setAttribute("fill", "#66707a");
  top.textContent = String(max);
  svg.appendChild(top);
  box.replaceChildren(svg);
  const legend = document.getElementById("legend");
  legend.replaceChildren();
  types.forEach((t, k) => {
    const sw = el("span", null, "swatch");
    sw.style.background = COLORS[k % COLORS.length];
    legend.appendChild(sw);
    legend.appendChild(document.createTextNode(t));
  });
}

function renderEvents(entries) {
  fillBody("events", entries.map(e => [clock(e.at), e.event.type, actors(e.event), interval(e.event),
    evidenceCell(e.event), jsonLink(e.event)]), 6, "no events yet");
}

function renderDeadletters(entries) {
  fillBody("deadletters", entries.map(d => [clock(d.at), d.reason, d.article_id || d.key || "—", d.message,
    d.partition + "/" + d.offset]), 5, "no dead letters");
}

async function getJSON(path) {
  const resp = await fetch(path, { credentials: "same-origin", cache: "no-store" });
  if (!resp.ok) throw new Error(path + ": HTTP " + resp.status);
  return resp.json();
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    const [stats, events, dead] = await Promise.all([
      getJSON("/api/stats"), getJSON("/api/events/recent"), getJSON("/api/deadletters/recent")]);
    renderStats(stats);
    renderEvents(events.events);
    renderDeadletters(dead.deadletters);
    status.textContent = "updated " + new Date().toLocaleTimeString();
    status.className = "status ok";
    document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes || 0) + 1);
  } catch (err) {
    status.textContent = "refresh failed: " + err.message;
    status.className = "status error";
  }
}

document.addEventListener("DOMContentLoaded", () => { refresh(); setInterval(refresh, REFRESH_MS); });
