// Rapport's service worker, served at /sw.js (web/pages/installed.py writes VERSION and
// SHELL above this line). It keeps the app shell so the installed app opens with no
// connection, serves pages from the network first and the kept capture page when
// there is none, sends waiting captures when it can, and receives what is shared to
// the app (the manifest's share_target).
/* global VERSION, SHELL, RapportCaptures */
"use strict";

importScripts("/static/capture-store.js");

const CACHE = "rapport-" + VERSION;
const CAPTURE = "/capture";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("rapport-") && name !== CACHE).map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

// a signed-in capture page, kept as the offline shell (a redirect to sign in is not)
async function keepCapturePage(response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    const cache = await caches.open(CACHE);
    await cache.put(CAPTURE, response.clone());
  }
  return response;
}

async function page(request) {
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    return url.pathname === CAPTURE ? keepCapturePage(response) : response;
  } catch (offline) {
    const cache = await caches.open(CACHE);
    return (await cache.match(CAPTURE)) || (await cache.match("/offline")) ||
      new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
  }
}

async function shellFile(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, { ignoreSearch: true });
  return kept || fetch(request);
}

// A share arrives as a POST the page never made (no CSRF token): keep what came on
// this phone and open the page that uses it, through sign-in if need be.
async function receiveShare(request) {
  const form = await request.formData();
  const card = form.getAll("card").find((file) => file && file.size);
  if (card) {
    await RapportCaptures.keepShared(card);
    return Response.redirect("/io?shared=card", 303);
  }
  const params = new URLSearchParams();
  for (const name of ["title", "text", "url"]) {
    const value = form.get(name);
    if (typeof value === "string" && value.trim()) params.set(name, value);
  }
  return Response.redirect(CAPTURE + "?" + params.toString(), 303);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/share") {
    event.respondWith(receiveShare(request));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (SHELL.includes(url.pathname) && url.pathname.startsWith("/static/")) {
    event.respondWith(shellFile(request));
  }
});

function tellPages(outcome) {
  return self.clients.matchAll({ type: "window" }).then((pages) => {
    pages.forEach((client) => client.postMessage({ type: "captures-sent", outcome: outcome }));
  });
}

// Background Sync (where the browser has it): the page asks when it queues a capture
self.addEventListener("sync", (event) => {
  if (event.tag === "send-captures") {
    event.waitUntil(RapportCaptures.send().then(tellPages));
  }
});

// what the pages ask: send now; keep the capture page as it is now (signed in, online)
self.addEventListener("message", (event) => {
  const kind = event.data && event.data.type;
  if (kind === "send-captures") {
    event.waitUntil(RapportCaptures.send().then(tellPages));
  } else if (kind === "keep-shell") {
    event.waitUntil(
      fetch(CAPTURE, { credentials: "same-origin" }).then(keepCapturePage).catch(() => null)
    );
  } else if (kind === "forget-shell") {
    event.waitUntil(caches.open(CACHE).then((cache) => cache.delete(CAPTURE)));
  }
});
