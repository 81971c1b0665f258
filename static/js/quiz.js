/* 师傅学习平台 — taking a quiz (templates/courses/quiz/attempt.html). Loaded with
   `defer` on the attempt page only; without it the 保存 and 交卷 buttons post the
   form and the server does everything.
   1. Progress: "已答 N / M 题" follows the learner's answers.
   2. Autosave: a change posts the whole form (debounced) to data-save-url, which
      answers {revision, saved_at, answered}; the new revision goes into the hidden
      field so the next save or 交卷 is not taken for a stale tab. 409 (changed in
      another window), 410 (already submitted, or time is up) and 401 (signed out)
      stop autosaving and say why. Offline: retried.
   3. Countdown: the server renders the seconds left (its clock decides, and it
      closes late attempts itself); this only counts them down and submits at 0.
   4. 交卷: asks first while questions are unanswered, and waits for a running save
      so the revision it posts is current.
   User-facing text comes from data-msg-* attributes (translated in the template).
   The script knows nothing about right answers: the page has none to know. */
(function () {
  "use strict";

  var form = document.getElementById("quiz-form");
  if (!form) return;

  var SAVE_DELAY_CHANGE = 800;
  var SAVE_DELAY_TYPING = 2000;
  var RETRY_DELAY = 5000;

  var saveUrl = form.getAttribute("data-save-url");
  var revisionInput = form.querySelector("input[name=revision]");
  var tokenInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var status = form.querySelector("[data-save-status]");
  var answeredOutputs = form.querySelectorAll("[data-answered]");
  var progressBar = form.querySelector("[data-progress]");
  var questions = Array.prototype.slice.call(form.querySelectorAll("[data-question]"));
  var canFetch = Boolean(window.fetch && window.FormData && window.URLSearchParams);

  var saveTimer = null;
  var inFlight = null;
  var queued = false;
  var dirty = false;
  var stopped = false;
  var submitting = false;
  var lastButton = null;

  function msg(name) {
    return form.getAttribute("data-msg-" + name) || "";
  }

  function say(text, kind, link) {
    if (!status) return;
    status.textContent = text;
    status.className = "quiz-save-status" + (kind ? " is-" + kind : "");
    if (link) {
      var anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      status.appendChild(document.createTextNode(" "));
      status.appendChild(anchor);
    }
  }

  /* 1 ─ Progress ──────────────────────────────────────────────────────────── */
  function isAnswered(fieldset) {
    var inputs = fieldset.querySelectorAll("input, textarea");
    for (var i = 0; i < inputs.length; i += 1) {
      var input = inputs[i];
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) return true;
      } else if (input.value.trim()) {
        return true;
      }
    }
    return false;
  }

  function countAnswered() {
    return questions.filter(isAnswered).length;
  }

  function updateProgress() {
    var answered = countAnswered();
    answeredOutputs.forEach(function (output) {
      output.textContent = String(answered);
    });
    if (progressBar) progressBar.value = answered;
    return answered;
  }

  /* 2 ─ Autosave ──────────────────────────────────────────────────────────── */
  function clock(date) {
    function two(n) {
      return (n < 10 ? "0" : "") + n;
    }
    return two(date.getHours()) + ":" + two(date.getMinutes()) + ":" + two(date.getSeconds());
  }

  function stop(text, kind, link) {
    stopped = true;
    window.clearTimeout(saveTimer);
    say(text, kind, link);
  }

  function scheduleSave(delay) {
    if (stopped || !canFetch) return;
    dirty = true;
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(save, delay);
  }

  function handleSaveResponse(response, data) {
    if (response.ok) {
      if (typeof data.revision === "number") revisionInput.value = String(data.revision);
      var when = data.saved_at ? new Date(data.saved_at) : new Date();
      if (isNaN(when.getTime())) when = new Date();
      say(msg("saved").replace("%s", clock(when)), "saved");
      return;
    }
    var error = data.error || msg("failed");
    if (response.status === 409) {
      stop(error, "warning", { href: window.location.href, text: msg("reload") });
    } else if (response.status === 410) {
      stop(error, "error", { href: data.result_url || window.location.href, text: msg("result") });
    } else if (response.status === 401 || response.status === 403) {
      stop(msg("login"), "error");
    } else if (response.status === 400) {
      // Malformed answers are not saved; the next change tries again.
      say(error, "error");
    } else {
      say(msg("failed"), "warning");
      scheduleSave(RETRY_DELAY);
    }
  }

  function save(options) {
    if (stopped || !canFetch || submitting) return Promise.resolve();
    if (inFlight) {
      queued = true;
      return inFlight;
    }
    window.clearTimeout(saveTimer);
    dirty = false;
    say(msg("saving"), "saving");
    var body = new URLSearchParams(new FormData(form));
    body.delete("action");
    inFlight = fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: Boolean(options && options.keepalive),
      headers: {
        Accept: "application/json",
        "X-CSRFToken": tokenInput ? tokenInput.value : "",
      },
      body: body,
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            handleSaveResponse(response, data);
          });
      })
      .catch(function () {
        say(msg("offline"), "warning");
        scheduleSave(RETRY_DELAY);
      })
      .then(function () {
        inFlight = null;
        if (queued) {
          queued = false;
          return save();
        }
        return undefined;
      });
    return inFlight;
  }

  form.addEventListener("change", function () {
    updateProgress();
    scheduleSave(SAVE_DELAY_CHANGE);
  });

  form.addEventListener("input", function (event) {
    if (event.target.type === "radio" || event.target.type === "checkbox") return;
    updateProgress();
    scheduleSave(SAVE_DELAY_TYPING);
  });

  window.addEventListener("online", function () {
    if (dirty) save();
  });

  // Leaving with unsaved changes: one last save that outlives the page.
  window.addEventListener("pagehide", function () {
    if (dirty && !submitting) save({ keepalive: true });
  });

  // Back/Forward cache would show an old revision: load the page afresh.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });

  /* 3 ─ Countdown ─────────────────────────────────────────────────────────── */
  function submitNow(button) {
    submitting = true;
    window.clearTimeout(saveTimer);
    if (button && form.requestSubmit) {
      form.requestSubmit(button);
      return;
    }
    var action = document.createElement("input");
    action.type = "hidden";
    action.name = "action";
    action.value = button ? button.value : "submit";
    form.appendChild(action);
    form.submit();
  }

  function afterSaves(callback) {
    (inFlight || Promise.resolve()).then(callback, callback);
  }

  function initTimer() {
    var timer = form.querySelector("[data-remaining]");
    if (!timer) return;
    var display = timer.querySelector("[data-clock]");
    var seconds = parseInt(timer.getAttribute("data-remaining"), 10);
    if (isNaN(seconds)) return;
    var now = window.performance && performance.now ? performance.now.bind(performance) : Date.now;
    var end = now() + seconds * 1000;
    var warned = false;

    function format(total) {
      var hours = Math.floor(total / 3600);
      var minutes = Math.floor((total % 3600) / 60);
      var rest = total % 60;
      var mm = (minutes < 10 ? "0" : "") + minutes;
      var ss = (rest < 10 ? "0" : "") + rest;
      return hours ? hours + ":" + mm + ":" + ss : mm + ":" + ss;
    }

    function tick() {
      var left = Math.max(0, Math.ceil((end - now()) / 1000));
      if (display) display.textContent = format(left);
      if (left <= 60) {
        timer.classList.add("is-urgent");
        if (!warned && left > 0) {
          warned = true;
          say(msg("last-minute"), "warning");
        }
      }
      if (left === 0) {
        if (submitting) return;
        stopped = true;
        say(msg("time-up"), "warning");
        afterSaves(function () {
          submitNow(null);
        });
        return;
      }
      window.setTimeout(tick, 500);
    }

    tick();
  }

  /* 4 ─ 交卷 ──────────────────────────────────────────────────────────────── */
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[type=submit]");
    if (button) lastButton = button;
  });

  form.addEventListener("submit", function (event) {
    if (submitting) return;
    var button = event.submitter || lastButton;
    var action = button ? button.value : "save";
    if (action === "submit") {
      var unanswered = questions.length - updateProgress();
      if (unanswered > 0 && !window.confirm(msg("unanswered").replace("%s", unanswered))) {
        event.preventDefault();
        return;
      }
    }
    if (inFlight) {
      // Let the running autosave finish: it bumps the revision this post must carry.
      event.preventDefault();
      afterSaves(function () {
        submitNow(button);
      });
      return;
    }
    submitting = true;
    window.clearTimeout(saveTimer);
  });

  updateProgress();
  initTimer();
})();
