/* The step page's live parts (no inline scripts: the site sends a Content-Security-Policy).

   - When a run finishes (the `learning:run-finished` event, sent by the answer that brought the pressed panel its
     result), every other panel and the architecture picture refresh once; the pressed panel already has it.
   - The watcher (#lc-watch) notices runs nobody on this page pressed for: the sandbox re-checking after the
     learner's CLI changed it, a finished "do it for me", a page in another tab. It asks a small JSON URL every
     3 s (sandbox) or 10 s (real AWS) while the page is visible; after a "kick" it looks sooner (150 ms, backing
     off). On real AWS it also starts a check every 30 s while visible, for at most 20 minutes after the learner's
     last press. The learner can switch auto-check off (kept in localStorage).
*/
(function () {
  "use strict";

  function waitingFor(runId) {
    return runId && document.querySelector('.lc-wait[data-wait-run="' + runId + '"]');
  }

  function refreshAll(exceptSection) {
    if (!window.htmx) return;
    document.querySelectorAll("[data-lc-refresh]").forEach(function (el) {
      if (exceptSection && el.getAttribute("data-lc-section") === exceptSection) return;
      if (el.querySelector(".lc-wait")) return; // this panel waits for a run of its own and will update itself
      // `source: el`: without it every request comes from <body>, and htmx lets one element have one request in
      // flight (the others queue, only the last of them kept), so most panels would not refresh.
      window.htmx.ajax("GET", el.getAttribute("data-lc-refresh"), { source: el, target: el, swap: "outerHTML" });
    });
  }

  // After Check (mouse or keyboard) the result's summary ("3 of 9 passed", an aria-live region) takes the focus.
  document.addEventListener("htmx:afterSettle", function () {
    var summary = document.querySelector("[data-lc-focus]");
    if (!summary) return;
    summary.removeAttribute("data-lc-focus");
    summary.focus({ preventScroll: false });
  });

  // "Clean up" asks first: its button opens the dialog listing what will be deleted; "Delete" there submits the
  // form (htmx posts it). Without JavaScript the button submits directly.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-lc-confirm]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-lc-confirm"));
      if (dialog && typeof dialog.showModal === "function") {
        event.preventDefault();
        dialog.showModal();
        var cancel = dialog.querySelector("[data-lc-dialog-close]");
        if (cancel) cancel.focus(); // the safe choice has the focus
      }
      return;
    }
    var closer = event.target.closest("[data-lc-dialog-close], [data-lc-confirmed]");
    if (closer) {
      var open = closer.closest("dialog");
      if (open) open.close();
    }
  });

  // The contents column: a tick on each section whose checks all pass, and "sections done: 3 of 5" with a bar,
  // read from the panels' data-state each time one of them changes.
  function updateProgress() {
    var panels = document.querySelectorAll(".lc-panel[data-lc-section]");
    var done = 0;
    panels.forEach(function (panel) {
      var slug = panel.getAttribute("data-lc-section");
      var state = panel.getAttribute("data-state");
      if (state === "complete") done += 1;
      var link = document.querySelector('[data-lc-toc="' + slug + '"]');
      if (link) link.setAttribute("data-state", state);
    });
    updateTimeLeft();
    var finished = document.getElementById("lc-toc-complete");
    if (finished && panels.length) finished.hidden = done !== panels.length;
    var line = document.getElementById("lc-toc-progress");
    if (!line || !panels.length) return;
    line.textContent = line
      .getAttribute("data-text")
      .replace("{done}", String(done))
      .replace("{total}", String(panels.length));
    var bar = document.createElement("progress");
    bar.max = panels.length;
    bar.value = done;
    bar.setAttribute("aria-hidden", "true");
    line.appendChild(bar);
  }
  // "About 25 min left": the estimates (data-minutes) of the sections not done yet. A section with a checkpoint is
  // done when complete; one without (an explanation) once a section after it is complete (as selectors.minutes_left).
  function updateTimeLeft() {
    var left = document.getElementById("toc-time-left");
    if (!left) return;
    var links = Array.prototype.slice.call(document.querySelectorAll("[data-toc-slug]")).reverse();
    var minutes = 0;
    var laterDone = false;
    links.forEach(function (link) {
      var done;
      if (link.hasAttribute("data-lc-toc")) {
        done = link.getAttribute("data-state") === "complete";
        laterDone = laterDone || done;
      } else {
        done = laterDone;
      }
      if (!done) minutes += parseInt(link.getAttribute("data-minutes"), 10) || 0;
    });
    left.textContent = minutes
      ? left.getAttribute("data-text").replace("{minutes}", String(minutes))
      : left.getAttribute("data-text-none");
  }

  document.addEventListener("htmx:afterSettle", updateProgress);
  updateProgress();

  // Where the learner is (signing in brings them back here): this step on opening the page, then the section
  // they scroll to, told at most every few seconds and only when it changes.
  var place = document.getElementById("lc-place");
  if (place && window.fetch) {
    var told = null;
    var placeTimer = null;
    var tell = function (section) {
      if (section === told) return;
      told = section;
      var body = new FormData(place);
      body.append("section", section);
      window.fetch(place.getAttribute("action"), { method: "POST", body: body, credentials: "same-origin" }).catch(
        function () {
          told = null; /* try again with the next scroll */
        },
      );
    };
    var sections = Array.prototype.slice.call(document.querySelectorAll(".step-section[id]"));
    var hash = window.location.hash.slice(1);
    tell(sections.some(function (el) { return el.id === hash; }) ? hash : "");
    if ("IntersectionObserver" in window) {
      var visible = {};
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          visible[entry.target.id] = entry.isIntersecting;
        });
        window.clearTimeout(placeTimer);
        placeTimer = window.setTimeout(function () {
          var first = sections.find(function (el) { return visible[el.id]; });
          if (first) tell(first.id);
        }, 3000);
      }, { rootMargin: "0px 0px -60% 0px" });
      sections.forEach(function (el) {
        observer.observe(el);
      });
    }
  }

  var watch = document.getElementById("lc-watch");
  var since = watch ? parseInt(watch.getAttribute("data-since"), 10) || 0 : 0;

  document.addEventListener("learning:run-finished", function (event) {
    var detail = event.detail || {};
    if (detail.run && detail.run > since) since = detail.run;
    refreshAll(detail.section || "");
  });

  if (!watch || !window.fetch) return;

  var KEY = "lc-auto-check";
  var SOON = [150, 250, 400, 700, 1000, 1500, 2000];
  var STEADY = watch.getAttribute("data-mode") === "sandbox" ? 3000 : 10000;
  var REAL_AWS = watch.getAttribute("data-mode") !== "sandbox";
  var AWS_EVERY = 30000;
  var BUDGET = 20 * 60 * 1000;
  var box = document.getElementById("lc-auto");
  var status = document.getElementById("lc-watch-status");
  var soon = -1; // index into SOON while looking soon, -1 otherwise
  var timer = null;
  var lastPress = Date.now();
  var lastAuto = Date.now();

  try {
    box.checked = window.localStorage.getItem(KEY) !== "off";
  } catch (err) {
    /* storage blocked: auto-check stays on for this page */
  }

  function autoOn() {
    return box.checked;
  }

  function say(text) {
    if (status.textContent !== text) status.textContent = text;
  }

  function schedule() {
    window.clearTimeout(timer);
    if (document.hidden) return; // paused while hidden; visibilitychange looks again
    var delay;
    if (soon >= 0 && soon < SOON.length) {
      delay = SOON[soon];
      soon += 1;
    } else {
      soon = -1;
      if (!autoOn()) return; // nothing to watch for: the pressed panels wait for their own runs
      delay = STEADY;
    }
    timer = window.setTimeout(look, delay);
  }

  function kick() {
    soon = 0;
    schedule();
  }

  function startRealAwsCheck() {
    var token = watch.querySelector("input[name=csrfmiddlewaretoken]");
    lastAuto = Date.now();
    return window
      .fetch(watch.getAttribute("data-auto-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", Accept: "application/json" },
      })
      .then(function () {
        soon = 2;
      });
  }

  function look() {
    var url = watch.getAttribute("data-watch-url") + "?auto=" + (autoOn() ? "1" : "0");
    window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) return null;
        if (data.latest && data.latest > since && !waitingFor(data.latest)) {
          since = data.latest;
          refreshAll("");
        }
        if (data.active && !waitingFor(data.active)) {
          say(watch.getAttribute("data-text-checking"));
          if (soon < 0 || soon >= SOON.length) soon = 3; // keep looking every ~0.7-2 s until it is done
        } else {
          say("");
        }
        if (REAL_AWS && autoOn() && !data.active && Date.now() - lastAuto >= AWS_EVERY) {
          if (Date.now() - lastPress < BUDGET) return startRealAwsCheck();
          say(watch.getAttribute("data-text-paused"));
        }
        return null;
      })
      .catch(function () {
        /* the server did not answer: look again later */
      })
      .then(schedule);
  }

  box.addEventListener("change", function () {
    try {
      window.localStorage.setItem(KEY, autoOn() ? "on" : "off");
    } catch (err) {
      /* storage blocked */
    }
    lastPress = Date.now();
    kick();
  });
  document.addEventListener("learning:kick", kick);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) kick();
  });
  document.addEventListener("submit", function () {
    lastPress = Date.now(); // a press renews the real-AWS budget
  });
  timer = window.setTimeout(look, 300); // say at once that this page is open (and see what happened meanwhile)
})();
