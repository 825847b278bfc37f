// The stories panel (stream/app/fusion.py): refreshed from /api/stories every 2 s, with textContent only.
// Hidden when the worker runs without fusion (STREAM_FUSION=0: /api/stories answers 404).
"use strict";

function storyWhen(s) {
  const t = s.time || {};
  if (!t.earliest) return "—";
  return t.earliest === t.latest ? t.earliest : t.earliest + " … " + t.latest;
}

function storyRows(tableId, rows, columns) {
  const body = document.querySelector("#" + tableId + " tbody");
  const fresh = document.createElement("tbody");
  for (const cells of rows) {
    const tr = fresh.appendChild(document.createElement("tr"));
    for (const cell of cells) tr.appendChild(document.createElement("td")).textContent = String(cell);
  }
  if (!rows.length) {
    const td = fresh.appendChild(document.createElement("tr")).appendChild(document.createElement("td"));
    td.colSpan = columns;
    td.className = "empty";
    td.textContent = "no stories yet";
  }
  body.replaceWith(fresh);
}

async function refreshStories() {
  const panel = document.getElementById("stories-panel");
  try {
    const resp = await fetch("/api/stories", { credentials: "same-origin", cache: "no-store" });
    if (resp.status === 404) { panel.hidden = true; return; }
    const data = await resp.json();
    panel.hidden = false;
    document.getElementById("stories-table").textContent =
      data.table.stories + " open in this worker's table (" + data.table.keys + " keys, " + data.table.bytes + " bytes)";
    storyRows("stories-recent", data.recent.map(s => [new Date(s.at * 1000).toLocaleTimeString(), s.type,
      s.actors.join(", "), storyWhen(s), s.sources, s.articles]), 6);
    storyRows("stories-top", data.top.map(s => [s.type, s.actors.join(", "), storyWhen(s), s.sources, s.articles,
      s.status]), 6);
  } catch (err) {
    document.getElementById("stories-table").textContent = "refresh failed: " + err.message;
  }
}

document.addEventListener("DOMContentLoaded", () => { refreshStories(); setInterval(refreshStories, 2000); });
