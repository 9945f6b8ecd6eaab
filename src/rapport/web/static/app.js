// Rapport's few behaviours that need a script (no build step; loaded with defer).
// The command bar, keyboard shortcuts, copy buttons, the People bulk selection, and
// import refusals shown in place.
(function () {
  "use strict";

  const dialog = () => document.getElementById("command");
  const input = () => document.getElementById("command-input");

  function openCommand(prefix) {
    const d = dialog();
    if (!d) return;
    if (!d.open) d.showModal();
    const field = input();
    field.value = prefix || "";
    field.focus();
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function choices() {
    return Array.from(document.querySelectorAll("#command-results .command-choice"));
  }

  function move(step) {
    const list = choices();
    if (!list.length) return;
    let index = list.findIndex((a) => a.classList.contains("active"));
    list.forEach((a) => a.classList.remove("active"));
    index = (index + step + list.length) % list.length;
    list[index].classList.add("active");
    list[index].scrollIntoView({ block: "nearest" });
  }

  function typing(target) {
    const tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  document.addEventListener("keydown", (event) => {
    const d = dialog();
    if (d && d.open) {
      if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
      else if (event.key === "Enter" && event.target === input()) {
        const active = document.querySelector("#command-results .command-choice.active");
        if (active) { event.preventDefault(); window.location.href = active.getAttribute("href"); }
      }
      return;
    }
    if ((event.key === "k" && (event.ctrlKey || event.metaKey)) || (event.key === "/" && !typing(event.target))) {
      event.preventDefault();
      openCommand("");
    } else if (event.key === "l" && !typing(event.target) && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      openCommand("log ");
    }
  });

  document.addEventListener("click", (event) => {
    const target = event.target.closest("[data-command-open], [data-copy], [data-back], [data-select-all]");
    if (!target) {
      const d = dialog();
      if (d && d.open && event.target === d) d.close(); // a click on the backdrop
      return;
    }
    if (target.hasAttribute("data-command-open")) openCommand("");
    if (target.hasAttribute("data-back") && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
    if (target.hasAttribute("data-copy")) {
      const source = document.querySelector(target.getAttribute("data-copy"));
      if (source && navigator.clipboard) {
        navigator.clipboard.writeText(source.textContent.trim()).then(() => {
          target.textContent = "Copied";
        });
      }
    }
  });

  // People: "select all" and the count in the bulk bar
  function updateBulk() {
    const form = document.getElementById("bulk-form");
    if (!form) return;
    const picked = form.querySelectorAll("input[name=ids]:checked").length;
    const count = form.querySelector("[data-bulk-count]");
    const bar = form.querySelector("[data-bulk-bar]");
    if (count) count.textContent = picked ? picked + " selected" : "Select people to change many at once";
    if (bar) bar.classList.toggle("active", picked > 0);
  }

  // Today: choosing a list shows its people's agenda (the form's button does it without a script)
  document.addEventListener("change", (event) => {
    const menu = event.target.closest("select[data-submit-on-change]");
    if (menu && menu.form) menu.form.submit();
  });

  document.addEventListener("change", (event) => {
    const all = event.target.closest("[data-select-all]");
    if (all) {
      document.querySelectorAll("#bulk-form input[name=ids]").forEach((box) => { box.checked = all.checked; });
    }
    if (event.target.closest("#bulk-form")) updateBulk();
  });

  // A person's page opened with #log-form (from "log ana" in the command bar)
  function focusLog() {
    if (window.location.hash === "#log-form") {
      const field = document.querySelector("#log-form input[name=summary]");
      if (field) field.focus();
    }
  }

  // Import: the upload's progress, then "Importing…" while the server works
  document.addEventListener("htmx:xhr:progress", (event) => {
    const bar = document.querySelector("[data-upload-progress]");
    const label = document.querySelector("[data-upload-label]");
    if (!bar || !event.detail.lengthComputable) return;
    const percent = Math.round((100 * event.detail.loaded) / event.detail.total);
    bar.value = percent;
    if (label) label.textContent = percent >= 100 ? "Importing…" : "Uploading " + percent + "%";
  });

  // A form marked data-swap-errors answers a refusal (4xx) with the fragment that
  // says why: show it where a success would go (htmx leaves 4xx answers unswapped)
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    const asking = event.detail.requestConfig && event.detail.requestConfig.elt;
    const form = asking && asking.closest("[data-swap-errors]");
    if (form && status >= 400 && status < 500) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // On a phone the nav scrolls sideways: keep the current page's tab in view
  function showCurrentTab() {
    const nav = document.querySelector(".nav");
    const current = nav && nav.querySelector("[aria-current=page]");
    if (current && nav.scrollWidth > nav.clientWidth) {
      nav.scrollLeft = current.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
    }
  }

  // Today's "Log a conversation" / "Met someone" at the top: the link jumps to the
  // form (no script needed); with one, the form's first field takes the focus too
  document.addEventListener("click", (event) => {
    const jump = event.target.closest("[data-focus-form]");
    if (!jump) return;
    const form = document.querySelector(jump.getAttribute("href"));
    const field = form && form.querySelector("input:not([type=hidden]), select, textarea");
    if (field) window.setTimeout(() => field.focus({ preventScroll: true }), 0);
  });

  // The phone's "More" menu closes on a tap elsewhere or Escape
  document.addEventListener("click", (event) => {
    document.querySelectorAll("details[data-more-menu][open]").forEach((menu) => {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details[data-more-menu][open]").forEach((menu) => { menu.open = false; });
  });

  // A group of near-identical agenda entries opened stays open when the agenda is
  // answered in place (htmx swaps the whole list)
  let openGroups = [];
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "agenda") {
      openGroups = Array.from(document.querySelectorAll("#agenda .group[id] > details[open]"), (d) => d.parentElement.id);
    }
  });
  function reopenGroups() {
    openGroups.forEach((id) => {
      const details = document.querySelector("#" + CSS.escape(id) + " > details");
      if (details) details.open = true;
    });
  }

  document.addEventListener("DOMContentLoaded", () => { updateBulk(); focusLog(); showCurrentTab(); });
  document.addEventListener("htmx:afterSwap", () => { updateBulk(); reopenGroups(); });
})();
