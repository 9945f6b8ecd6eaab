// The installed app on the pages: registers the service worker, tells it who is
// signed in, keeps the directory of people for offline look-up, shows "3 waiting to
// send", sends captures when the connection returns, runs the capture page, and
// puts a contact card shared to the app into the import form.
/* global RapportCaptures */
(function () {
  "use strict";

  const store = window.RapportCaptures;
  if (!store || !window.indexedDB) return;
  const FRESH_FOR = 10 * 60 * 1000; // the directory and the kept shell, refreshed after
  let sentNow = false;

  const body = document.body;
  const user = body.dataset.user || "";
  const capture = document.getElementById("capture");

  function worker(message) {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then((registration) => {
      if (registration.active) registration.active.postMessage(message);
    });
  }

  function register() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => null);
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "captures-sent") {
        if (event.data.outcome && event.data.outcome.sent.length) sentNow = true;
        show();
      }
    });
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function describe(item) {
    const b = item.body;
    if (b.kind === "met") return "Met " + b.name + (b.where ? " at " + b.where : "");
    return "Log with " + (b.name || "#" + b.person_id) + (b.summary ? ": " + b.summary : "");
  }

  // --- "3 waiting to send" on every page, the list on the capture page
  async function show() {
    const items = (await store.waiting()).filter((item) => String(item.user) === String(user));
    const problems = items.filter((item) => item.problem).length;
    const status = document.getElementById("capture-status");
    if (status) {
      const link = status.querySelector("[data-capture-count]");
      let words = "";
      if (items.length) {
        words = (items.length - problems) + " waiting to send";
        if (items.length === problems) words = "";
        if (problems) words += (words ? " · " : "") + plural(problems, "capture needs", "captures need") + " you";
      } else if (sentNow) {
        words = "All sent";
      }
      status.hidden = !words;
      status.classList.toggle("capture-status-done", !items.length);
      if (link) link.textContent = words;
    }
    const list = document.getElementById("capture-queue");
    if (!list) return;
    list.replaceChildren(...items.map((item) => {
      const li = document.createElement("li");
      li.dataset.key = item.key;
      const what = document.createElement("span");
      what.textContent = describe(item);
      li.append(what);
      const state = document.createElement("span");
      state.className = item.problem ? "field-error" : "muted small";
      state.textContent = item.problem ? " Not sent: " + item.problem : " waiting to send";
      li.append(state);
      if (item.problem) {
        for (const [label, act] of [["Try again", "retry"], ["Discard", "discard"]]) {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "link";
          button.dataset.captureAct = act;
          button.textContent = label;
          li.append(" ", button);
        }
      }
      return li;
    }));
    const kept = document.querySelector("[data-capture-directory]");
    if (kept) {
      const people = await store.directory();
      kept.textContent = people.length
        ? plural(people.length, "person", "people") + " kept on this phone for finding offline."
        : "People kept for finding offline: none yet (open this page once online).";
    }
  }

  async function sendNow() {
    if (!user || !navigator.onLine) return show();
    const outcome = await store.send();
    if (outcome.sent.length) sentNow = true;
    return show();
  }

  async function queue(body) {
    await store.add(body);
    await show();
    if ("serviceWorker" in navigator && "SyncManager" in window) {
      navigator.serviceWorker.ready.then((r) => r.sync.register("send-captures")).catch(() => null);
    }
    return sendNow();
  }

  // --- the capture page
  function chosen(form) { return form.querySelector("input[name=person_id]"); }

  async function match(field) {
    const form = field.form;
    chosen(form).value = "";
    const list = document.getElementById("capture-matches");
    const people = await store.find(field.value, 8);
    list.replaceChildren(...people.map((person) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "capture-match";
      button.dataset.personId = person.id;
      button.dataset.name = person.name;
      button.textContent = person.name + (person.organization ? " · " + person.organization : "");
      li.append(button);
      return li;
    }));
  }

  function problem(form, text) {
    const where = form.querySelector("[data-capture-error]");
    where.textContent = text || "";
    where.hidden = !text;
  }

  function value(form, name) {
    const field = form.elements.namedItem(name);
    return field ? field.value.trim() : "";
  }

  async function submitted(event) {
    const form = event.target;
    if (form.id !== "capture-log" && form.id !== "capture-met") return;
    event.preventDefault();
    const at = new Date().toISOString();
    if (form.id === "capture-log") {
      const pid = chosen(form).value;
      if (!pid) { problem(form, "Choose the person from the list."); return; }
      await queue({
        kind: "log", person_id: Number(pid), name: form.dataset.chosenName || "",
        interaction_kind: value(form, "interaction_kind") || "meeting",
        summary: value(form, "summary"), notes: value(form, "notes"), occurred_at: at,
      });
      document.getElementById("capture-matches").replaceChildren();
    } else {
      const name = value(form, "name");
      if (!name) { problem(form, "Who did you meet?"); return; }
      await queue({
        kind: "met", name: name, organization: value(form, "organization"),
        where: value(form, "where"), notes: value(form, "notes"), occurred_at: at,
      });
    }
    problem(form, "");
    form.reset();
    chosen(form) && (chosen(form).value = "");
  }

  async function clicked(event) {
    const pick = event.target.closest(".capture-match");
    if (pick) {
      const form = document.getElementById("capture-log");
      chosen(form).value = pick.dataset.personId;
      form.dataset.chosenName = pick.dataset.name;
      document.getElementById("capture-who").value = pick.dataset.name;
      document.getElementById("capture-matches").replaceChildren();
      return;
    }
    const act = event.target.closest("[data-capture-act]");
    if (act) {
      const key = act.closest("li").dataset.key;
      if (act.dataset.captureAct === "discard") await store.drop(key);
      else await store.retry(key);
      await sendNow();
    }
  }

  function offlineNote() {
    const note = document.querySelector("[data-capture-offline]");
    if (note) note.hidden = navigator.onLine;
  }

  // --- a contact card shared to the app: into the import form, ready to import
  async function sharedCard() {
    if (location.pathname !== "/io" || new URLSearchParams(location.search).get("shared") !== "card") return;
    const form = document.getElementById("import-form");
    const shared = form && (await store.takeShared());
    if (!shared) return;
    const input = form.querySelector("input[type=file][name=file]");
    const files = new DataTransfer();
    files.items.add(new File([shared.blob], shared.name || "shared.vcf", { type: shared.type || "text/vcard" }));
    input.files = files.files;
    const format = form.querySelector("select[name=format]");
    if (format) format.value = "vcard";
    const note = document.createElement("p");
    note.className = "small capture-shared";
    note.textContent = "Shared with Rapport: " + (shared.name || "a contact card") + ". Press Import to add it.";
    form.prepend(note);
  }

  async function start() {
    register();
    if (location.pathname === "/login") {
      await store.signedOut();
      worker({ type: "forget-shell" });
    }
    if (user) {
      const rendered = capture ? Number(capture.dataset.rendered) : Date.now();
      await store.signedIn(user, body.dataset.csrf, rendered);
      if (navigator.onLine) {
        const last = (await store.get("directoryAt")) || 0;
        if (capture || Date.now() - last > FRESH_FOR) {
          await store.refreshDirectory().catch(() => null);
          worker({ type: "keep-shell" });
        }
      }
    }
    if (capture) {
      document.addEventListener("submit", submitted);
      document.addEventListener("click", clicked);
      document.getElementById("capture-who").addEventListener("input", (e) => match(e.target));
      offlineNote();
    }
    await sharedCard();
    await sendNow();
  }

  window.addEventListener("online", () => { offlineNote(); sendNow(); });
  window.addEventListener("offline", offlineNote);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
