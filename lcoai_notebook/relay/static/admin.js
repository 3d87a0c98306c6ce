// The relay's admin page. Everything shown comes from the relay's JSON and is put into the page
// with textContent only (seat names, model names and errors are data, never markup). The admin key
// comes from the URL fragment (never sent to a server, removed from the address bar at once) or
// the form, is kept in this tab's sessionStorage and sent in the X-Admin-Key header.
"use strict";

const KEY_ITEM = "lcoai-relay-admin-key";
let refreshTimer = null;

function adminKey() {
  const fragment = new URLSearchParams(location.hash.slice(1)).get("key");
  if (fragment) {
    sessionStorage.setItem(KEY_ITEM, fragment);
    history.replaceState(null, "", location.pathname);
  }
  return sessionStorage.getItem(KEY_ITEM);
}

async function call(method, path, body) {
  const init = { method, headers: { "X-Admin-Key": adminKey() || "" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch("/admin/api" + path, init);
  if (response.status === 401) {
    sessionStorage.removeItem(KEY_ITEM);
    showLogin("That admin key was not accepted.");
    throw new Error("unauthorised");
  }
  if (!response.ok) {
    let message = "HTTP " + response.status;
    try { message = (await response.json()).error.message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}

function usd(value) {
  // Workshop amounts are small: a chat reply costs a few millionths of a dollar.
  const v = Number(value);
  return "$" + v.toFixed(v !== 0 && Math.abs(v) < 0.01 ? 6 : 2);
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function button(label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

function say(text) {
  document.getElementById("status").textContent = text;
}

async function act(method, path, body, done) {
  try {
    await call(method, path, body);
    say(done);
    await refresh();
  } catch (e) {
    if (e.message !== "unauthorised") say("Failed: " + e.message);
  }
}

function render(state) {
  const t = state.totals;
  document.getElementById("totals").textContent =
    (t.paused_all ? "ALL SEATS PAUSED — " : "") +
    "Spent " + usd(t.spent_usd) + " of " + usd(t.budget_usd) + " (" + usd(t.remaining_usd) +
    " remaining, " + usd(t.reserved_usd) + " in flight)";
  const tbody = document.querySelector("#seats tbody");
  const rows = [];
  for (const s of state.seats) {
    const tr = document.createElement("tr");
    tr.dataset.seat = s.seat;
    if (s.paused) tr.className = "paused";
    cell(tr, s.seat);
    cell(tr, s.paused ? "paused" : "active", s.paused ? "state-paused" : "");
    cell(tr, String(s.requests), "n");
    cell(tr, String(s.refused), "n");
    cell(tr, String(s.input_tokens), "n");
    cell(tr, String(s.output_tokens), "n");
    cell(tr, usd(s.spent_usd), "n spent");
    cell(tr, usd(s.remaining_usd), "n remaining");
    cell(tr, usd(s.budget_usd), "n budget");
    cell(tr, s.last_seen ? new Date(s.last_seen * 1000).toLocaleTimeString() : "—");
    const actions = cell(tr, "");
    const name = encodeURIComponent(s.seat);
    actions.appendChild(s.paused
      ? button("Resume", () => act("POST", "/seats/" + name + "/resume", undefined,
                                   s.seat + " resumed."))
      : button("Pause", () => act("POST", "/seats/" + name + "/pause", undefined,
                                  s.seat + " paused.")));
    actions.appendChild(button("Add budget", () => {
      const amount = Number(document.getElementById("amount").value);
      act("POST", "/seats/" + name + "/add-budget", { usd: amount },
          usd(amount) + " added to " + s.seat + ".");
    }));
    rows.push(tr);
  }
  tbody.replaceChildren(...rows);
}

async function refresh() {
  const response = await call("GET", "/state");
  render(await response.json());
}

function showLogin(message) {
  clearInterval(refreshTimer);
  document.getElementById("panel").hidden = true;
  document.getElementById("login").hidden = false;
  document.getElementById("totals").textContent = message;
}

async function open() {
  document.getElementById("login").hidden = true;
  document.getElementById("panel").hidden = false;
  try {
    await refresh();
  } catch (e) {
    if (e.message !== "unauthorised") say("Failed: " + e.message);
    return;
  }
  clearInterval(refreshTimer);
  refreshTimer = setInterval(() => refresh().catch(() => {}), 2000);
}

async function exportCsv() {
  try {
    const response = await call("GET", "/ledger.csv");
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement("a");
    a.href = url;
    a.download = "relay-ledger.csv";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    say("Ledger exported.");
  } catch (e) {
    if (e.message !== "unauthorised") say("Failed: " + e.message);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("login").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_ITEM, document.getElementById("key").value);
    open();
  });
  document.getElementById("pause-all").addEventListener("click",
    () => act("POST", "/pause-all", undefined, "All seats paused."));
  document.getElementById("resume-all").addEventListener("click",
    () => act("POST", "/resume-all", undefined, "All seats resumed."));
  document.getElementById("export").addEventListener("click", exportCsv);
  if (adminKey()) open(); else showLogin("Enter the admin key the relay printed.");
});
