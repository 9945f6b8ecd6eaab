// What a phone keeps for capturing offline, in IndexedDB, and the sending of it.
// Loaded by the pages (a <script>) and by the service worker (importScripts), so
// both send the same way: each capture once, under the key made when it was taken.
//   queue      captures waiting to send: {key, user, body, madeAt, problem?}
//   meta       csrf (with when it was read), user, directory (the people), last
//   shared     a file shared to the installed app, until the import page takes it
(function (scope) {
  "use strict";

  const DB = "rapport";
  const VERSION = 1;
  const ENDPOINT = "/api/v1/captures";
  let opening = null;
  let people = null; // the directory as last read, so typing a name reads it once

  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB, VERSION);
        request.onupgradeneeded = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains("queue")) db.createObjectStore("queue", { keyPath: "key" });
          if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta");
          if (!db.objectStoreNames.contains("shared")) db.createObjectStore("shared");
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => { opening = null; reject(request.error); };
      });
    }
    return opening;
  }

  // one request in one transaction: its result once the transaction is done
  async function run(store, mode, act) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const request = act(tx.objectStore(store));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  const get = (store, key) => run(store, "readonly", (s) => s.get(key));
  const put = (store, value, key) => run(store, "readwrite", (s) => s.put(value, key));
  const remove = (store, key) => run(store, "readwrite", (s) => s.delete(key));
  const all = (store) => run(store, "readonly", (s) => s.getAll());

  // --- what the pages tell the worker: who is signed in, and the page's CSRF token
  async function signedIn(user, csrf, readAt) {
    const known = (await get("meta", "csrf")) || { readAt: 0 };
    if (String(user) !== String(await get("meta", "user"))) {
      await put("meta", String(user), "user");
      await put("meta", { token: csrf, readAt: readAt }, "csrf");
      await put("meta", [], "directory");
      people = null;
    } else if (readAt >= known.readAt) {
      await put("meta", { token: csrf, readAt: readAt }, "csrf");
    }
  }

  // signed out: forget the people and the token; captures stay (they name their user)
  async function signedOut() {
    await put("meta", "", "user");
    await remove("meta", "csrf");
    await put("meta", [], "directory");
    people = null;
  }

  // --- the directory: who can be found offline
  async function refreshDirectory() {
    const response = await fetch("/api/v1/people/directory", { credentials: "same-origin" });
    if (!response.ok) return null;
    const found = await response.json();
    await put("meta", found, "directory");
    await put("meta", Date.now(), "directoryAt");
    people = found;
    return found;
  }

  async function directory() {
    if (!people) people = (await get("meta", "directory")) || [];
    return people;
  }

  function fold(text) {
    return (text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  // people whose name (or a word of it) or organisation starts with what was typed
  async function find(typed, limit) {
    const wanted = fold(typed);
    if (!wanted) return [];
    const found = [];
    for (const person of await directory()) {
      const name = fold(person.name);
      const org = fold(person.organization);
      if (name.startsWith(wanted) || name.includes(" " + wanted) || org.startsWith(wanted)) {
        found.push(person);
        if (found.length >= (limit || 8)) break;
      }
    }
    return found;
  }

  // --- the queue
  async function add(body) {
    const user = await get("meta", "user");
    const key = scope.crypto.randomUUID();
    const item = { key: key, user: user || "", body: Object.assign({ key: key }, body), madeAt: Date.now() };
    await put("queue", item);
    return item;
  }

  async function waiting() {
    const items = await all("queue");
    return items.sort((a, b) => a.madeAt - b.madeAt);
  }

  const drop = (key) => remove("queue", key);

  async function token(fresh) {
    if (fresh) {
      // the token of a page fetched now (a cached page may hold an older session's)
      const page = await fetch("/capture", { credentials: "same-origin", redirect: "manual" });
      const found = page.ok && (await page.text()).match(/data-csrf="([^"]+)"/);
      if (found) {
        await put("meta", { token: found[1], readAt: Date.now() }, "csrf");
        return found[1];
      }
      return null;
    }
    const known = await get("meta", "csrf");
    return known ? known.token : null;
  }

  async function post(item, csrf) {
    return fetch(ENDPOINT, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf || "" },
      body: JSON.stringify(item.body),
    });
  }

  // Send what waits, oldest first, one at a time. A key the server has seen answers
  // its first answer, so sending again after a lost answer is harmless. Stops at the
  // first network failure (still offline) or when signed out; a refusal (the person
  // is gone…) is kept on the phone with its reason, never dropped.
  let sending = null;
  function send() {
    if (!sending) {
      sending = sendAll().finally(() => { sending = null; });
    }
    return sending;
  }

  async function sendAll() {
    const outcome = { sent: [], problems: 0, stopped: null };
    const user = await get("meta", "user");
    if (!user) { outcome.stopped = "signed-out"; return outcome; }
    let csrf = await token(false);
    for (const item of await waiting()) {
      if (item.problem || String(item.user) !== String(user)) continue;
      let response;
      try {
        response = await post(item, csrf);
        if (response.status === 403) {
          csrf = await token(true);
          response = await post(item, csrf);
        }
      } catch (error) {
        outcome.stopped = "offline";
        break;
      }
      if (response.status === 401 || response.status === 403) { outcome.stopped = "signed-out"; break; }
      if (response.status >= 500) { outcome.stopped = "server"; break; }
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        await drop(item.key);
        outcome.sent.push(answer);
        await put("meta", { message: answer.message, at: Date.now() }, "last");
      } else {
        item.problem = (answer.error && answer.error.message) || "refused (" + response.status + ")";
        await put("queue", item);
        outcome.problems += 1;
      }
    }
    return outcome;
  }

  async function retry(key) {
    const item = await get("queue", key);
    if (item) { delete item.problem; await put("queue", item); }
  }

  // --- a file shared to the installed app (the manifest's share_target)
  const keepShared = (file) => put("shared", { name: file.name, type: file.type, blob: file, at: Date.now() }, "card");
  async function takeShared() {
    const found = await get("shared", "card");
    if (found) await remove("shared", "card");
    return found;
  }

  scope.RapportCaptures = {
    signedIn, signedOut, refreshDirectory, directory, find, add, waiting, drop, retry, send,
    keepShared, takeShared, get: (key) => get("meta", key),
  };
})(self);
