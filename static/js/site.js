/* 师傅学习平台 — small enhancements. Loaded with `defer`; every page works without it.
   1. "这篇文章对您有帮助吗？" votes without leaving the article.
   2. FAQ: open the <details> a #link points at.
   3. Print buttons on the printable handbook. */
(function () {
  "use strict";

  /* 1 ─ Article vote ───────────────────────────────────────────────────────
     The links in #helpful go to the vote page (a form) when there is no script.
     Here: GET the vote URL as JSON for a CSRF token, POST the choice, show the
     returned message. On any failure fall back to following the link. */
  function initVote() {
    var widget = document.getElementById("helpful");
    if (!widget || !window.fetch || !window.URLSearchParams) return;
    var voteUrl = widget.getAttribute("data-vote-url");
    var actions = widget.querySelector("[data-vote-actions]");
    var status = widget.querySelector("[data-vote-status]");
    if (!voteUrl || !actions || !status) return;

    actions.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-vote]");
      if (!link) return;
      event.preventDefault();
      if (actions.getAttribute("aria-busy") === "true") return;
      actions.setAttribute("aria-busy", "true");

      var choice = link.getAttribute("data-vote");
      var jsonHeaders = { Accept: "application/json" };

      fetch(voteUrl, { headers: jsonHeaders, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("token " + response.status);
          return response.json();
        })
        .then(function (data) {
          return fetch(voteUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: {
              Accept: "application/json",
              "Content-Type": "application/x-www-form-urlencoded",
              "X-CSRFToken": data.csrf_token,
            },
            body: new URLSearchParams({ helpful: choice }).toString(),
          });
        })
        .then(function (response) {
          if (!response.ok) throw new Error("vote " + response.status);
          return response.json();
        })
        .then(function (data) {
          actions.remove();
          status.textContent = data.message || "";
          status.focus();
        })
        .catch(function () {
          // Rate limited, offline or the server said no: the no-script page explains.
          window.location.href = link.href;
        });
    });
  }

  /* 2 ─ FAQ ────────────────────────────────────────────────────────────────
     Opens the <details> the URL fragment names (or the one containing it). */
  function openTargetedDetails() {
    var id = window.location.hash.slice(1);
    if (!id) return;
    try {
      id = decodeURIComponent(id);
    } catch (error) {
      return;
    }
    var target = document.getElementById(id);
    if (!target) return;
    var details = target.closest("details");
    if (!details) return;
    if (!details.open) details.open = true;
    if (details === target) {
      var summary = details.querySelector("summary");
      if (summary) summary.focus({ preventScroll: true });
      details.scrollIntoView({ block: "start" });
    }
  }

  function initFaq() {
    if (!document.querySelector("details[id]")) return;
    openTargetedDetails();
    window.addEventListener("hashchange", openTargetedDetails);
  }

  /* 3 ─ Print ──────────────────────────────────────────────────────────────
     Print buttons are rendered hidden: they only work with this script. */
  function initPrint() {
    if (typeof window.print !== "function") return;
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  function init() {
    initVote();
    initFaq();
    initPrint();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
